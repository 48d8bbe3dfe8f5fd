/**
 * Suite 2, VIP routes: every router holds each VIP as intended, in the BGP RIB and in the
 * kernel FIB, compared as sets (MetalLB's validateService is the model): where the
 * clusters' paths meet (the spine) one multipath path per cluster (AS paths "<leaf>
 * <cluster>") and exactly those next hops in the FIB; elsewhere what the config installs
 * (leaf1: one path via the spine, or ECMP over the spines where there are several); nothing
 * stale anywhere. (A lab's own vtysh JSON claims live in its intent.yaml: suite 2-intent.)
 */
import { describe, expect, it } from 'vitest';
import { frozenRoutes } from '../helpers/readers/frr.js';
import { nothingStale, vipRouteFib, vipRouteRib, wantsEcmp } from '../helpers/claims/vip-route-claims.js';
import { expectedVipRoutes } from '../helpers/model/expected-routes.js';
import { useLab } from './lab.js';

const lab = await useLab();
// One dump per router for every VIP's tests (at K VIPs: 2 reads per router, not 2K).
const routes = frozenRoutes(lab);

describe.each(expectedVipRoutes(lab.model).map((e) => [e.router, e.vip, e] as const))(
  '%s holds %s',
  (_router, _vip, e) => {
    const ecmp = wantsEcmp(e) && e.candidates.length > 1;
    const what = e.meetingPoint
      ? `ECMP over ${[...new Set(e.candidates.flatMap((c) => c.clusters))].join(' and ')} (${e.candidates.map((c) => `${c.nextHop} "${c.asPaths[0]}"`).join(', ')})`
      : ecmp
        ? `ECMP via ${e.candidates.map((c) => c.via).join(' and ')}`
        : `one path via ${e.candidates.map((c) => c.via).join(' or ')}`;
    it(`in its BGP RIB: ${what}`, async () => expect(await vipRouteRib(routes, e)).toEqual([]));
    it(`in its kernel FIB: ${ecmp ? `exactly {${e.candidates.map((c) => c.nextHop).join(', ')}}` : 'one next hop'}`, async () =>
      expect(await vipRouteFib(routes, e)).toEqual([]));
  },
);

describe('nothing stale', () => {
  it.each(Object.keys(lab.model.routers))(
    '%s holds no stale path and no pool prefix that no cluster advertises',
    async (router) => expect(await nothingStale(lab, router)).toEqual([]),
  );
});
