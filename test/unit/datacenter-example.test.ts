/**
 * The second example lab (examples/datacenter/): a fabric in FRR's datacenter style, with
 * peer-groups, ebgp-requires-policy, route-maps matching prefix-lists and communities, and BFD on
 * the fabric links. `check` accepts it with nothing refused, and the derivation follows its
 * policy to the same fabric as the seed's: ECMP at the spine over both clusters, each path tagged
 * by its leaf. (Suites 0–4 pass on it live: docs/routing-policy.md.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { modelWarnings } from '../../helpers/model/warnings.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const root = join(PROJECT_ROOT, 'examples', 'datacenter');
const model = loadLabModel({ root, topologyFile: 'containerlab/dc.clab.yml' });

describe('the datacenter-style example lab', () => {
  it('loads with no problem and no warning, every router on the datacenter profile with ebgp-requires-policy', () => {
    expect(modelWarnings(model).map((w) => w.message)).toEqual([]);
    for (const r of Object.values(model.routers)) expect(r.frr.bgp!.ebgpRequiresPolicy, r.name).toBe(true);
    expect(Object.values(model.routers).every((r) => Object.values(r.frr.bgp!.neighbors).some((n) => n.bfd))).toBe(
      true,
    );
  });

  it('derives ECMP at the spine over both clusters, each path with the community its leaf adds', () => {
    const spine = expectedVipRoutes(model).find((e) => e.router === 'spine')!;
    expect(spine.meetingPoint).toBe(true);
    expect(spine.candidates.flatMap((c) => c.clusters).sort()).toEqual(['cluster01', 'cluster02']);
    expect(spine.policy).toMatch(/sets community 65002:100 \(additive\).*sets community 65003:100 \(additive\)/);
  });

  it('sends the clusters nothing: every leaf-to-node session has a deny-all route-map out', () => {
    for (const leaf of ['leaf2', 'leaf3']) {
      const toNode = Object.values(model.routers[leaf]!.frr.bgp!.neighbors).find((n) =>
        n.address.startsWith('192.168.'),
      );
      expect(toNode?.ipv4.routeMapOut?.name, leaf).toBe('CLUSTER-OUT');
    }
  });
});
