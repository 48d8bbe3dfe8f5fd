/**
 * The waterfall of a failover (helpers/experiment/waterfall.ts) on the seed's model: the path
 * the victim's advertisement takes to the spine, the chain of a withdrawal and of a hold-timer
 * fault (no message to receive: the leaf's FIB is the first sign), a fail-back starting at the
 * victim's dial, links that add up to the phase's time, and missing evidence named.
 */
import { describe, expect, it } from 'vitest';
import { advertisementPath, buildReturnWaterfall, buildWaterfall } from '../../helpers/experiment/waterfall.js';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { BgpMessage, BgpSegment } from '../../helpers/observe/bgp-messages.js';
import type { RouteChange } from '../../helpers/observe/route-monitor.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const VIP = '172.30.0.10';
const T0 = 1_000_000;
const DST: Record<string, string> = { '192.168.49.2': '192.168.49.101', '10.0.2.11': '10.0.2.1' };
const msg = (t: number, node: string, dir: 'In' | 'Out', src: string, w: string[], a: string[] = []): BgpMessage => ({
  t: T0 + t,
  node,
  dev: 'eth',
  dir,
  src,
  dst: DST[src] ?? '',
  type: 'UPDATE',
  withdrawn: w,
  announced: a,
});
const fib = (t: number, router: string, nextHops: string[]): RouteChange => ({
  t: T0 + t,
  router,
  prefix: VIP,
  nextHops,
  source: 'event',
});
const path = advertisementPath(expectedVipRoutes(model), VIP, 'cluster01', 'spine');
/** The links on the chain: they add up to the phase. */
const sum = (ls: { seconds: number; critical: boolean }[]) =>
  ls.filter((l) => l.critical).reduce((n, l) => n + l.seconds, 0);
const show = (ls: { node: string; event: string; seconds: number; after: string }[]) =>
  ls.map((l) => `${l.node}.${l.event} ${(l.seconds * 1000).toFixed(0)} after ${l.after}`);

describe('the waterfall of a failover', () => {
  it("follows the victim's advertisement: cluster01 → leaf2 → spine", () => {
    expect(path).toEqual(['cluster01', 'leaf2', 'spine']);
  });

  it('a withdrawal: received, passed on and installed at each hop (the FIB a side branch but at the end)', () => {
    const messages = [
      msg(5, 'cluster01', 'Out', '192.168.49.2', [`${VIP}/32`]),
      msg(6, 'leaf2', 'In', '192.168.49.2', [`${VIP}/32`]),
      msg(9, 'leaf2', 'Out', '10.0.2.11', [], [`${VIP}/32`]),
      msg(10, 'spine', 'In', '10.0.2.11', [], [`${VIP}/32`]),
    ];
    const w = buildWaterfall(
      model,
      'fault',
      path,
      VIP,
      { messages, segments: [], fib: [fib(8, 'leaf2', ['10.0.2.1']), fib(12, 'spine', ['10.0.3.11'])] },
      T0,
      T0 + 12,
    );
    expect(show(w.links)).toEqual([
      'cluster01.tx 5 after t0',
      'leaf2.rx 1 after cluster01.tx',
      'leaf2.tx 3 after leaf2.rx',
      'leaf2.fib 2 after leaf2.rx',
      'spine.rx 1 after leaf2.tx',
      'spine.fib 2 after spine.rx',
      'spine.moved 0 after spine.fib',
    ]);
    expect(w.links.filter((l) => !l.critical).map((l) => `${l.node}.${l.event}`)).toEqual(['leaf2.fib']);
    expect(sum(w.links)).toBeCloseTo(0.012, 9);
    expect(w.missing).toEqual([]);
  });

  it("a node gone dark: nothing to receive, the leaf's own timers start its chain, nothing missing", () => {
    const messages = [msg(24_010, 'spine', 'In', '10.0.2.11', [], [`${VIP}/32`])];
    const w = buildWaterfall(
      model,
      'fault',
      path,
      VIP,
      {
        messages: [msg(24_005, 'leaf2', 'Out', '10.0.2.11', [], [`${VIP}/32`]), ...messages],
        segments: [],
        fib: [fib(24_000, 'leaf2', ['10.0.2.1']), fib(24_015, 'spine', ['10.0.3.11'])],
      },
      T0,
      T0 + 24_015,
    );
    expect(show(w.links)).toEqual([
      'leaf2.tx 24005 after t0',
      'leaf2.fib 24000 after t0',
      'spine.rx 5 after leaf2.tx',
      'spine.fib 5 after spine.rx',
      'spine.moved 0 after spine.fib',
    ]);
    expect(w.missing).toEqual([]);
    expect(sum(w.links)).toBeCloseTo(24.015, 9);
  });

  it("a crashed speaker's fail-back: its start (the restore returning) is a link of its own, the dial follows it", () => {
    const segments: BgpSegment[] = [
      { t: T0 + 1400, node: 'cluster01', dir: 'Out', src: '192.168.49.2', dst: '192.168.49.101', flags: 'SYN' },
    ];
    const w = buildWaterfall(
      model,
      'failBack',
      path,
      VIP,
      { messages: [msg(1410, 'cluster01', 'Out', '192.168.49.2', [], [`${VIP}/32`])], segments, fib: [] },
      T0,
      T0 + 1500,
      { started: T0 + 250 },
    );
    expect(show(w.links).slice(0, 3)).toEqual([
      'cluster01.start 250 after t0',
      'cluster01.dial 1150 after cluster01.start',
      'cluster01.tx 10 after cluster01.dial',
    ]);
    expect(sum(w.links)).toBeCloseTo(1.5, 9);
  });

  it('a fail-back starts at the victim dial; an event not captured is named and the chain goes on', () => {
    const segments: BgpSegment[] = [
      { t: T0 + 1500, node: 'cluster01', dir: 'Out', src: '192.168.49.2', dst: '192.168.49.101', flags: 'SYN' },
    ];
    const w = buildWaterfall(
      model,
      'failBack',
      path,
      VIP,
      { messages: [msg(1520, 'cluster01', 'Out', '192.168.49.2', [], [`${VIP}/32`])], segments, fib: [] },
      T0,
      T0 + 1600,
    );
    expect(show(w.links)).toEqual([
      'cluster01.dial 1500 after t0',
      'cluster01.tx 20 after cluster01.dial',
      'spine.moved 80 after cluster01.tx',
    ]);
    expect(w.missing).toEqual([
      'leaf2 rx: no UPDATE for 172.30.0.10/32 from cluster01',
      'leaf2 tx: no UPDATE for 172.30.0.10/32 sent on',
      'leaf2 fib: no FIB change for 172.30.0.10',
      'spine rx: no UPDATE for 172.30.0.10/32 from leaf2',
      'spine fib: no FIB change for 172.30.0.10',
    ]);
    expect(sum(w.links)).toBeCloseTo(1.6, 9);
  });

  it("the way back to the clients after a link's return: the re-opened session, the upstream's coalesced UPDATE, the leaf's rx and FIB", () => {
    const CLIENTS = '192.168.100.0/24';
    const seg = (t: number): BgpSegment => ({
      t: T0 + t,
      node: 'leaf2',
      dir: 'Out',
      src: '10.0.2.11',
      dst: '10.0.2.1',
      flags: 'SYN',
    });
    const m = (
      t: number,
      node: string,
      dir: 'In' | 'Out',
      src: string,
      type: BgpMessage['type'],
      a: string[] = [],
    ) => ({
      ...msg(t, node, dir, src, [], a),
      dst: src === '10.0.2.1' ? '10.0.2.11' : '10.0.2.1',
      type,
    });
    const w = buildReturnWaterfall(
      model,
      'leaf2',
      CLIENTS,
      {
        messages: [
          m(22, 'leaf2', 'In', '10.0.2.1', 'KEEPALIVE'),
          m(25, 'spine', 'In', '10.0.2.11', 'KEEPALIVE'),
          m(1225, 'spine', 'Out', '10.0.2.1', 'UPDATE', [CLIENTS]),
          m(1226, 'leaf2', 'In', '10.0.2.1', 'UPDATE', [CLIENTS]),
        ],
        segments: [seg(21)],
        fib: [{ t: T0 + 1287, router: 'leaf2', prefix: CLIENTS, nextHops: ['10.0.2.1'], source: 'event' }],
      },
      T0,
      T0 + 1287,
    );
    expect(w.phase).toBe('return');
    expect(w.path).toEqual(['spine', 'leaf2']);
    expect(show(w.links)).toEqual([
      'spine.up 25 after t0',
      'spine.tx 1200 after spine.up',
      'leaf2.rx 1 after spine.tx',
      'leaf2.fib 61 after leaf2.rx',
      'leaf2.moved 0 after leaf2.fib',
    ]);
    expect(w.missing).toEqual([]);
    // The fail-back's time is the sum of the chain.
    expect(sum(w.links)).toBeCloseTo(1.287, 9);
  });

  it('the way back with no UPDATE received names what is missing', () => {
    const w = buildReturnWaterfall(
      model,
      'leaf2',
      '192.168.100.0/24',
      { messages: [], segments: [], fib: [] },
      T0,
      T0 + 900,
    );
    expect(w.missing).toEqual(['leaf2 rx: no UPDATE for 192.168.100.0/24 received']);
    expect(show(w.links)).toEqual(['leaf2.moved 900 after t0']);
  });

  it("a fault on the leaf's uplinks: the router above follows its own link, no UPDATE expected, nothing missing", () => {
    const w = buildWaterfall(
      model,
      'failBack',
      path,
      VIP,
      { messages: [], segments: [], fib: [fib(13, 'spine', ['10.0.2.11', '10.0.3.11'])] },
      T0,
      T0 + 13,
      { fromLink: true },
    );
    expect(show(w.links)).toEqual(['spine.fib 13 after t0', 'spine.moved 0 after spine.fib']);
    expect(w.missing).toEqual([]);
    // Without it, the same evidence names the BGP events a node-side fault would have shown.
    const asIfNodeSide = buildWaterfall(
      model,
      'failBack',
      path,
      VIP,
      { messages: [], segments: [], fib: [] },
      T0,
      T0 + 13,
    );
    expect(asIfNodeSide.missing.length).toBeGreaterThan(0);
  });
});
