/**
 * Route reads at scale (helpers/readers/frr.ts): reads of one router made together share one
 * dump of its whole table, a lone read stays a per-prefix command, a frozen view dumps once,
 * and the table JSON and the per-prefix JSON give the same view of a path.
 */
import { describe, expect, it } from 'vitest';
import { bgpPaths, frozenRoutes, kernelNextHops } from '../../helpers/readers/frr.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';

// FRR 10.3's two shapes of the same two paths (spine, 172.30.0.10/32), trimmed to the fields read.
const TABLE = {
  routes: {
    '172.30.0.10/32': [
      { valid: true, bestpath: true, path: '65002 65101', origin: 'IGP', nexthops: [{ ip: '10.0.2.11' }] },
      { valid: true, multipath: true, path: '65003 65102', origin: 'IGP', nexthops: [{ ip: '10.0.3.11' }] },
    ],
    '172.30.0.11/32': [
      { valid: true, bestpath: true, path: '65002 65101', origin: 'IGP', nexthops: [{ ip: '10.0.2.11' }] },
    ],
  },
};
const DETAIL = {
  paths: [
    {
      aspath: { string: '65002 65101' },
      origin: 'IGP',
      valid: true,
      bestpath: { overall: true },
      nexthops: [{ ip: '10.0.2.11' }],
    },
    { aspath: { string: '65003 65102' }, origin: 'IGP', valid: true, multipath: true, nexthops: [{ ip: '10.0.3.11' }] },
  ],
};
const ROUTES = [
  {
    dst: '172.30.0.10',
    nexthops: [
      { gateway: '10.0.2.11', dev: 'eth2' },
      { gateway: '10.0.3.11', dev: 'eth3' },
    ],
  },
  { dst: '172.30.0.11', gateway: '10.0.2.11', dev: 'eth2' },
  { dst: '10.0.2.0/24', dev: 'eth2' },
];

function fakeLab() {
  const calls: string[] = [];
  const lab = {
    async vtysh(router: string, command: string) {
      calls.push(`${router}: ${command}`);
      return JSON.stringify(command === 'show bgp ipv4 unicast json' ? TABLE : DETAIL);
    },
    async exec(node: string, argv: string[]) {
      calls.push(`${node}: ${argv.join(' ')}`);
      const p = argv[4];
      return {
        stdout: JSON.stringify(p ? ROUTES.filter((r) => r.dst === p.replace(/\/32$/, '')) : ROUTES),
        stderr: '',
        exitCode: 0,
      };
    },
  } as unknown as LabHandle;
  return { lab, calls };
}

describe('route reads', () => {
  it('serve reads made together from one dump per router, and a lone read by its own command', async () => {
    const { lab, calls } = fakeLab();
    const [a, b, none] = await Promise.all([
      kernelNextHops(lab, 'spine', '172.30.0.10/32'),
      kernelNextHops(lab, 'spine', '172.30.0.11'),
      kernelNextHops(lab, 'spine', '172.30.0.12/32'),
    ]);
    expect(calls).toEqual(['spine: ip -j route show']);
    expect(a.map((h) => h.gateway)).toEqual(['10.0.2.11', '10.0.3.11']);
    expect(b).toEqual([{ gateway: '10.0.2.11', dev: 'eth2' }]);
    expect(none).toEqual([]);
    await kernelNextHops(lab, 'spine', '172.30.0.10/32');
    expect(calls.at(-1)).toBe('spine: ip -j route show 172.30.0.10/32');
  });

  it('read the same path view from the table JSON and from the per-prefix JSON', async () => {
    const { lab, calls } = fakeLab();
    const [bulk] = await Promise.all([
      bgpPaths(lab, 'spine', '172.30.0.10/32'),
      bgpPaths(lab, 'spine', '172.30.0.11/32'),
    ]);
    const alone = await bgpPaths(lab, 'spine', '172.30.0.10/32');
    expect(calls).toEqual(['spine: show bgp ipv4 unicast json', 'spine: show bgp ipv4 unicast 172.30.0.10/32 json']);
    expect(bulk).toEqual(alone);
    expect(bulk.map((p) => [p.nextHop, p.asPath, p.bestpath, p.multipath])).toEqual([
      ['10.0.2.11', '65002 65101', true, true],
      ['10.0.3.11', '65003 65102', false, true],
    ]);
  });

  it('give a frozen view one dump per router and kind, however many reads follow', async () => {
    const { lab, calls } = fakeLab();
    const view = frozenRoutes(lab);
    for (const p of ['172.30.0.10/32', '172.30.0.11/32', '172.30.0.10/32']) {
      await bgpPaths(view, 'spine', p);
      await kernelNextHops(view, 'spine', p);
    }
    await kernelNextHops(view, 'leaf1', '172.30.0.10/32');
    expect(calls).toEqual(['spine: show bgp ipv4 unicast json', 'spine: ip -j route show', 'leaf1: ip -j route show']);
  });
});
