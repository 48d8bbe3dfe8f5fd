/**
 * One path across one eBGP session (route-propagation.ts) and one router's selection
 * (best-path.ts), statement by statement, against bgpd/bgp_route.c at frr-10.3 and frr-10.5.1:
 * subgroup_announce_check (out), bgp_update (in), bgp_path_info_cmp (selection, multipath).
 */
import { describe, expect, it } from 'vitest';
import { parseFrrConfigText, type FrrConfig } from '../../helpers/model/frr-config.js';
import { ProblemList } from '../../helpers/model/errors.js';
import { receiveFrom, sendTo } from '../../helpers/model/route-propagation.js';
import { selectBest, type LearnedPath } from '../../helpers/model/best-path.js';
import type { RouteAttrs } from '../../helpers/model/policy-eval.js';

const PEER = '10.0.0.2';
const VIP = '172.30.0.10/32';

/** A router AS65000 with one neighbour in AS65001: lines " neighbor …" go under router bgp, the others before it. */
function router(lines: string[], head: string[] = ['no bgp ebgp-requires-policy']): FrrConfig {
  const p = new ProblemList();
  const before = lines.filter((l) => !l.startsWith(' neighbor'));
  const inside = lines.filter((l) => l.startsWith(' neighbor'));
  const text = [
    ...before,
    'router bgp 65000',
    ...head.map((h) => ` ${h}`),
    ` neighbor ${PEER} remote-as 65001`,
    ...inside,
    'exit',
    '',
  ];
  const c = parseFrrConfigText(text.join('\n'), 'r.conf', p);
  expect(p.items).toEqual([]);
  return c;
}
const nb = (c: FrrConfig) => c.bgp!.neighbors[PEER]!;
const path = (asns: number[], more: Partial<RouteAttrs> = {}): RouteAttrs => ({
  asns,
  localPref: 100,
  med: 0,
  communities: [],
  trail: [],
  ...more,
});
const sent = (c: FrrConfig, p: RouteAttrs) => sendTo(c, nb(c), VIP, p);
const received = (c: FrrConfig, p: RouteAttrs) => receiveFrom(c, nb(c), VIP, p);

describe('out: what a router sends an eBGP neighbour', () => {
  it('prepends its AS; drops the MED learned from another AS; keeps the communities', () => {
    const c = router([]);
    expect(sent(c, path([65102], { med: 7, communities: ['65000:1'] }))).toMatchObject({
      attrs: { asns: [65000, 65102], med: 0, communities: ['65000:1'] },
    });
  });
  it('ebgp-requires-policy with no outbound policy: nothing (bgp_outbound_policy_exists)', () => {
    expect(sent(router([], []), path([65102]))).toMatchObject({
      dropped: expect.stringMatching(/ebgp-requires-policy/),
    });
  });
  it('route-map out: its prepend goes before the AS added on the wire; its MED is sent', () => {
    const c = router([
      'route-map P permit 10',
      ' set as-path prepend 65000 65000',
      ' set metric 30',
      'exit',
      ` neighbor ${PEER} route-map P out`,
    ]);
    expect(sent(c, path([65102]))).toMatchObject({ attrs: { asns: [65000, 65000, 65000, 65102], med: 30 } });
  });
  it('prefix-list out denies what it does not permit', () => {
    const c = router(['ip prefix-list ONLY permit 10.0.0.0/8 le 32', ` neighbor ${PEER} prefix-list ONLY out`]);
    expect(sent(c, path([65102]))).toMatchObject({ dropped: expect.stringMatching(/prefix-list ONLY out/) });
  });
  it('NO_EXPORT and NO_ADVERTISE go to no eBGP peer', () => {
    expect(sent(router([]), path([65102], { communities: ['65535:65281'] }))).toHaveProperty('dropped');
    expect(sent(router([]), path([65102], { communities: ['65535:65282'] }))).toHaveProperty('dropped');
  });
  it('bgp graceful-shutdown adds GRACEFUL_SHUTDOWN (RFC 8326)', () => {
    expect(sent(router([], ['no bgp ebgp-requires-policy', 'bgp graceful-shutdown']), path([65102]))).toMatchObject({
      attrs: { communities: ['65535:0'] },
    });
  });
  it('local-as L: "L AS …"; with replace-as "L …"; no send-community strips them', () => {
    expect(sent(router([` neighbor ${PEER} local-as 65500`]), path([65102]))).toMatchObject({
      attrs: { asns: [65500, 65000, 65102] },
    });
    expect(sent(router([` neighbor ${PEER} local-as 65500 no-prepend replace-as`]), path([65102]))).toMatchObject({
      attrs: { asns: [65500, 65102] },
    });
  });
});

describe('in: what a router accepts from an eBGP neighbour', () => {
  it('local preference starts at bgp default local-preference; its own AS in the path is a loop', () => {
    expect(
      received(router([], ['no bgp ebgp-requires-policy', 'bgp default local-preference 150']), path([65001, 65102])),
    ).toMatchObject({
      attrs: { localPref: 150 },
    });
    expect(received(router([]), path([65001, 65000, 65102]))).toMatchObject({ dropped: expect.stringMatching(/loop/) });
  });
  it('allowas-in N accepts its AS up to N times; origin only as the origin AS', () => {
    const twice = path([65001, 65000, 65000]);
    expect(received(router([` neighbor ${PEER} allowas-in 2`]), twice)).toHaveProperty('attrs');
    expect(received(router([` neighbor ${PEER} allowas-in 1`]), twice)).toHaveProperty('dropped');
    expect(received(router([` neighbor ${PEER} allowas-in origin`]), path([65001, 65000]))).toHaveProperty('attrs');
    expect(received(router([` neighbor ${PEER} allowas-in origin`]), path([65000, 65001]))).toHaveProperty('dropped');
  });
  it('ebgp-requires-policy with no inbound policy: nothing (bgp_inbound_policy_exists); a route-map in is one', () => {
    expect(received(router([], []), path([65001]))).toMatchObject({
      dropped: expect.stringMatching(/accepts nothing/),
    });
    const c = router(
      ['route-map LP permit 10', ' set local-preference 300', 'exit', ` neighbor ${PEER} route-map LP in`],
      [],
    );
    expect(received(c, path([65001]))).toMatchObject({ attrs: { localPref: 300 } });
  });
  it('GRACEFUL_SHUTDOWN from an eBGP peer: local preference 0; bgp graceful-shutdown gives every eBGP path both', () => {
    expect(received(router([]), path([65001], { communities: ['65535:0'] }))).toMatchObject({
      attrs: { localPref: 0 },
    });
    expect(received(router([], ['no bgp ebgp-requires-policy', 'bgp graceful-shutdown']), path([65001]))).toMatchObject(
      {
        attrs: { localPref: 0, communities: ['65535:0'] },
      },
    );
  });
  it('local-as L prepends L to what it receives, unless no-prepend', () => {
    expect(received(router([` neighbor ${PEER} local-as 65500`]), path([65001]))).toMatchObject({
      attrs: { asns: [65500, 65001] },
    });
    expect(received(router([` neighbor ${PEER} local-as 65500 no-prepend`]), path([65001]))).toMatchObject({
      attrs: { asns: [65001] },
    });
  });
});

describe('selection (bgp_path_info_cmp)', () => {
  const p = (name: string, peerAs: number, asns: number[], more: Partial<RouteAttrs> = {}): LearnedPath<string> => ({
    peerAs,
    attrs: path(asns, more),
    info: name,
  });
  const opts = { multipathRelax: false, alwaysCompareMed: false };
  const names = (s: { best: LearnedPath<string>[] }) => s.best.map((x) => x.info);
  it('higher local preference wins over a shorter AS path', () => {
    const s = selectBest([p('short', 1, [1]), p('preferred', 2, [2, 2, 2], { localPref: 200 })], opts);
    expect(names(s)).toEqual(['preferred']);
    expect(s.lost[0]!.why).toBe('local preference 100 is below 200');
  });
  it('then the shorter AS path', () => {
    expect(names(selectBest([p('a', 1, [1, 9]), p('b', 2, [2, 2, 2, 9])], opts))).toEqual(['a']);
  });
  it('MED only between paths from one neighbouring AS, unless always-compare-med', () => {
    const ps = [p('a', 1, [1, 9], { med: 10 }), p('b', 1, [1, 8], { med: 5 }), p('c', 2, [2, 9], { med: 1 })];
    expect(names(selectBest(ps, opts))).toEqual(['b', 'c']);
    expect(names(selectBest(ps, { ...opts, alwaysCompareMed: true }))).toEqual(['c']);
  });
  it('multipath: "equal via same remote-as" without relax; other neighbouring ASes only with multipath-relax', () => {
    expect(selectBest([p('a', 1, [1, 9]), p('b', 1, [1, 8])], opts).multipath).toBe(true);
    expect(selectBest([p('a', 1, [1, 9]), p('b', 2, [2, 8])], opts).multipath).toBe(false);
    expect(selectBest([p('a', 1, [1, 9]), p('b', 2, [2, 8])], { ...opts, multipathRelax: true }).multipath).toBe(true);
  });
});
