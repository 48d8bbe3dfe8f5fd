/**
 * Overlapping LB-IPAM pools, as Cilium handles them (Documentation/network/lb-ipam.rst,
 * "Conflicts"): the pool added last is Conflicting and allocates nothing; `check` warns, and a
 * Service that only a conflicting pool selects gets no IP (an error naming both pools).
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { formatProblem } from '../../helpers/model/errors.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { modelWarnings } from '../../helpers/model/warnings.js';
import { CLI } from '../support/host.js';
import { rejectionsOf } from '../support/rejections.js';
import { labCopy } from '../support/lab-copy.js';

const POOL = 'fixtures/cilium/lb-ip-pool.yaml';
const second = (selector: string) =>
  `\n---\napiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: late-pool\nspec:\n  blocks:\n    - start: 172.30.0.15\n      stop: 172.30.0.30\n  serviceSelector:\n    matchLabels:\n      lbmode: ${selector}\n`;

describe('overlapping pools', () => {
  it('the pool added last is Conflicting: check warns, and the Service keeps its IP from the first', async () => {
    const c = labCopy();
    c.write(POOL, c.read(POOL) + second('bgp'));
    const model = loadLabModel({ root: c.root });
    expect(Object.values(model.clusters).map((cl) => cl.services[0]!.vip)).toEqual(['172.30.0.10', '172.30.0.10']);
    expect(modelWarnings(model).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^fixtures\/cilium\/lb-ip-pool\.yaml:\d+: spec\.blocks: pool late-pool \(172\.30\.0\.15-172\.30\.0\.30\) overlaps 172\.30\.0\.10-172\.30\.0\.20 of pool anycast-vips in cluster01: Cilium marks the pool added last Conflicting/,
      ),
      expect.stringMatching(/in cluster02: /),
    ]);
    const r = await execa(process.execPath, [CLI, '-C', c.root, 'check'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('anycast-verify: warning: fixtures/cilium/lb-ip-pool.yaml:');
  });

  it('a Service only the conflicting pool selects gets no IP, naming both pools', () => {
    const c = labCopy();
    c.edit(POOL, 'matchLabels:\n      lbmode: bgp', 'matchLabels:\n      lbmode: other');
    c.write(POOL, c.read(POOL) + second('bgp'));
    expect(rejectionsOf(c.root)).toContainEqual(
      expect.stringMatching(
        /gets no LoadBalancer IP in cluster cluster01: every pool that selects it is conflicting \(late-pool: 172\.30\.0\.15-172\.30\.0\.30 overlaps 172\.30\.0\.10-172\.30\.0\.20 of anycast-vips; Cilium marks the pool added last cilium\.io\/PoolConflict/,
      ),
    );
  });
});
