/**
 * Suite 2, VIP routes: every router holds each VIP exactly as the configs say, in the BGP
 * RIB and in the kernel FIB, compared as sets (MetalLB's validateService is the model):
 * the spine with one multipath path per cluster (AS paths "<leaf> <cluster>") and exactly
 * those next hops in its FIB; leaf1 via the spine; and nothing stale anywhere.
 */
import { describe, expect, it } from 'vitest';
import { bgpPaths, kernelNextHops, vtyshJson } from '../helpers/clients/frr.js';
import { advertisedVips, expectedVipRoutes } from '../helpers/model/expected-routes.js';
import { poolRanges } from '../helpers/model/lb-ipam.js';
import { ipToInt } from '../helpers/model/ipv4.js';
import { useLab } from './lab.js';

const lab = await useLab();
const expected = expectedVipRoutes(lab.model);

describe.each(expected.map((e) => [e.router, e.vip, e] as const))('%s holds %s', (router, vip, e) => {
  const prefix = `${vip}/32`;
  const title = e.installed > 1 ? `${e.installed} multipath paths (ECMP over ${e.candidates.flatMap((c) => c.clusters).join(' and ')})` : `one path via ${e.candidates.map((c) => c.via).join(' or ')}`;

  it(`in its BGP RIB, selected (best + multipath): ${title}`, async () => {
    // Longer paths may sit in the RIB unselected (e.g. a leaf also hears the other cluster's VIP via the spine).
    const paths = (await bgpPaths(lab, router, prefix)).filter((p) => p.multipath);
    if (e.multipath) {
      expect(paths.map((p) => p.nextHop), `${router}'s selected next hops`).toHaveNextHops(e.candidates.map((c) => c.nextHop));
      for (const p of paths) {
        const c = e.candidates.find((x) => x.nextHop === p.nextHop)!;
        expect({ nextHop: p.nextHop, valid: p.valid, asPathExpected: c.asPaths.includes(p.asPath) }, `path via ${p.nextHop} has AS path "${p.asPath}", expected one of ${c.asPaths.map((a) => `"${a}"`).join(', ')}`).toEqual({ nextHop: p.nextHop, valid: true, asPathExpected: true });
      }
    } else {
      const best = paths.filter((p) => p.bestpath);
      expect(best, `${router} has exactly one best path`).toHaveLength(1);
      const c = e.candidates.find((x) => x.nextHop === best[0]!.nextHop);
      expect(c, `${router}'s best path leads to one of ${e.candidates.map((x) => x.nextHop).join(', ')}`).toBeDefined();
      expect(c!.asPaths).toContain(best[0]!.asPath);
    }
  });

  it(`in its kernel FIB: ${e.multipath ? `exactly {${e.candidates.map((c) => c.nextHop).join(', ')}}` : 'one next hop'}`, async () => {
    const hops = await kernelNextHops(lab, router, vip);
    if (e.multipath) expect(hops).toHaveNextHops(e.candidates.map((c) => c.nextHop));
    else {
      expect(hops).toHaveLength(1);
      expect(e.candidates.map((c) => c.nextHop)).toContain(hops[0]!.gateway);
    }
  });
});

describe('nothing stale', () => {
  const vips = new Set([...advertisedVips(lab.model).keys()].map((v) => `${v}/32`));
  it.each(Object.keys(lab.model.routers))('%s holds no stale path and no VIP-pool prefix the clusters do not advertise', async (router) => {
    const table = await vtyshJson<{ routes?: Record<string, { stale?: boolean }[]> }>(lab, router, 'show bgp ipv4 unicast');
    const stale = Object.entries(table.routes ?? {}).filter(([, paths]) => paths.some((p) => p.stale)).map(([p]) => p);
    expect(stale, `stale paths on ${router}`).toEqual([]);
    const ranges = Object.values(lab.model.clusters).flatMap((c) => c.objects.pools.flatMap(poolRanges));
    const inPool = (prefix: string) => ranges.some((r) => ipToInt(prefix.split('/')[0]!) >= r.first && ipToInt(prefix.split('/')[0]!) <= r.last);
    const unexpected = Object.keys(table.routes ?? {}).filter((p) => inPool(p) && !vips.has(p));
    expect(unexpected, `VIP-pool prefixes on ${router} that no cluster advertises`).toEqual([]);
  });
});
