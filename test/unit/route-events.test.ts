/**
 * The route monitor's parser (helpers/observe/route-events.ts) on `ip -ts monitor route link`
 * output as a router printed it: route events with each next hop's interface, interface state
 * changes, and the next hops the kernel flushes without a route event when their link goes down.
 */
import { describe, expect, it } from 'vitest';
import { parseMonitor, withLinkFlushes, type RouteChange } from '../../helpers/observe/route-events.js';

// Captured on the seed's spine (FRR 10.3, kernel 6.18), eth2 towards leaf2 taken down and up.
const DOWN =
  '[2026-12-03T06:33:37.013915] 3: eth2@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \n    link/ether 12:3c:e5:77:cc:73 brd ff:ff:ff:ff:ff:ff link-netns av-anycast-leaf2\n';
const UP = [
  '[2026-12-03T06:34:21.931953] 3: eth2@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state DOWN group default ',
  '    link/ether 12:3c:e5:77:cc:73 brd ff:ff:ff:ff:ff:ff link-netns av-anycast-leaf2',
  '[2026-12-03T06:34:21.932338] 10.0.2.0/24 dev eth2 proto kernel scope link src 10.0.2.1 ',
  '[2026-12-03T06:34:21.932364] 3: eth2@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default ',
  '[2026-12-03T06:34:21.936881] 172.30.0.10 nhid 17 proto bgp metric 20 ',
  '\tnexthop via 10.0.3.11 dev eth3 weight 1 ',
  '\tnexthop via 10.0.2.11 dev eth2 weight 1 ',
  '',
].join('\n');
const seed: RouteChange = {
  t: Date.parse('2026-12-03T06:33:36Z'),
  router: 'spine',
  prefix: '172.30.0.10',
  nextHops: ['10.0.2.11', '10.0.3.11'],
  devs: ['eth2', 'eth3'],
  source: 'snapshot',
};

describe('parseMonitor', () => {
  it('reads a multipath route with each next hop interface, sorted by gateway', () => {
    const { routes } = parseMonitor(UP, 'spine');
    const vip = routes.find((r) => r.prefix === '172.30.0.10')!;
    expect(vip.nextHops).toEqual(['10.0.2.11', '10.0.3.11']);
    expect(vip.devs).toEqual(['eth2', 'eth3']);
    expect(vip.t).toBeCloseTo(Date.parse('2026-12-03T06:34:21.936Z') + 0.881, 3);
  });

  it('reads interface changes: admin down and carrier lost are down, carrier back is up', () => {
    expect(parseMonitor(DOWN, 'spine').links.map((l) => [l.dev, l.down])).toEqual([['eth2', true]]);
    expect(parseMonitor(UP, 'spine').links.map((l) => [l.dev, l.down])).toEqual([
      ['eth2', true],
      ['eth2', false],
    ]);
  });
});

describe('withLinkFlushes', () => {
  it('removes the next hops through a link at the moment it went down, naming the cause', () => {
    const { links } = parseMonitor(DOWN, 'spine');
    const out = withLinkFlushes([seed], links);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatchObject({ nextHops: ['10.0.3.11'], devs: ['eth3'], source: 'event', t: links[0]!.t });
    expect(out[1]!.cause).toMatch(/eth2 down: the kernel flushed/);
  });

  it('leaves routes on other routers and other interfaces alone', () => {
    const other = { ...seed, router: 'leaf1' };
    const onEth3 = { ...seed, prefix: '172.30.0.11', nextHops: ['10.0.3.11'], devs: ['eth3'] };
    const out = withLinkFlushes([other, onEth3], parseMonitor(DOWN, 'spine').links);
    expect(out).toEqual([other, onEth3]);
  });

  it('a later route event sets the state again (the link came back and FRR reinstalled)', () => {
    const down = parseMonitor(DOWN, 'spine').links;
    const up = parseMonitor(UP, 'spine');
    const out = withLinkFlushes([seed, ...up.routes.filter((r) => r.prefix === '172.30.0.10')], [...down, ...up.links]);
    expect(out.map((c) => c.nextHops)).toEqual([['10.0.2.11', '10.0.3.11'], ['10.0.3.11'], ['10.0.2.11', '10.0.3.11']]);
  });
});
