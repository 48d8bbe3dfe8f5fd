/** Declared claims: intents stated by hand, not derived from the files (docs/intent-and-mutation-score.md, "Writing a new check"). */
import type { VtyshJsonExpectation } from '../helpers/checks/json-subset.js';

// leaf1 must receive the VIP with AS path length 3. Declared, not derived: in the seed lab leaf1 hears it from
// the spine (AS64999), which hears it from leaf2 or leaf3 (65002, 65003), which hear it from their cluster (65101, 65102).
export const leaf1AsPath = (vip: string): VtyshJsonExpectation => ({
  router: 'leaf1',
  command: `show bgp ipv4 unicast ${vip}/32`,
  expected: { paths: [{ aspath: { length: 3 } }] },
});
