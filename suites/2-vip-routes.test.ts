/**
 * Suite 2, VIP routes: every router holds each VIP as intended, in the BGP RIB and in the
 * kernel FIB, compared as sets (MetalLB's validateService is the model): where the
 * clusters' paths meet (the spine) one multipath path per cluster (AS paths "<leaf>
 * <cluster>") and exactly those next hops in the FIB; elsewhere one path (leaf1 via the
 * spine); and nothing stale anywhere.
 */
import { describe, expect, it } from 'vitest';
import { checkVipRoute, staleProblems } from '../helpers/checks/vip-route-checks.js';
import { advertisedVips, expectedVipRoutes } from '../helpers/model/expected-routes.js';
import { useLab } from './lab.js';

const lab = await useLab();

describe.each(expectedVipRoutes(lab.model).map((e) => [e.router, e.vip, e] as const))('%s holds %s', (_router, _vip, e) => {
  const what = e.meetingPoint ? `ECMP over ${[...new Set(e.candidates.flatMap((c) => c.clusters))].join(' and ')} (${e.candidates.map((c) => `${c.nextHop} "${c.asPaths[0]}"`).join(', ')})` : `one path via ${e.candidates.map((c) => c.via).join(' or ')}`;
  it(`in its BGP RIB: ${what}`, async () => expect((await checkVipRoute(lab, e)).rib).toEqual([]));
  it(`in its kernel FIB: ${e.meetingPoint ? `exactly {${e.candidates.map((c) => c.nextHop).join(', ')}}` : 'one next hop'}`, async () => expect((await checkVipRoute(lab, e)).fib).toEqual([]));
});

describe('nothing stale', () => {
  const advertised = new Set([...advertisedVips(lab.model).keys()].map((v) => `${v}/32`));
  it.each(Object.keys(lab.model.routers))('%s holds no stale path and no pool prefix that no cluster advertises', async (router) => expect(await staleProblems(lab, router, advertised)).toEqual([]));
});
