/**
 * The failover suite's evidence chain, on captured text: `ip -ts monitor route` and
 * `tcpdump -v` output (formats as iproute2 6.1–6.x and tcpdump 4.99 print them) parsed into
 * FIB histories and SYN trails, each kind of loss named, and the rule for which losses a
 * fault may cause; a request the probe never sent is a harness error, never a loss.
 */
import { describe, expect, it } from 'vitest';
import { parseRouteMonitor } from '../../helpers/observe/route-monitor.js';
import { parseTcpdump, type TrailPacket } from '../../helpers/observe/packet-trail.js';
import {
  attributeLosses,
  describeHarnessError,
  splitFailures,
  type AttributionContext,
} from '../../helpers/observe/loss-attribution.js';
import { outageStats } from '../../helpers/faults/outage.js';
import { firstPathChange, unexpectedLosses, type FaultWindows } from '../../helpers/faults/allowed-losses.js';

const VIP = '172.30.0.10';
const T = (s: string) => Date.parse(`${s}Z`);

describe('parseRouteMonitor', () => {
  const text = [
    '[2026-11-27T16:47:37.375987] 172.30.0.10 nhid 18 proto bgp metric 20 ',
    '\tnexthop via 10.0.3.11 dev eth3 weight 1 ',
    '\tnexthop via 10.0.2.11 dev eth2 weight 1 ',
    '[2026-11-27T16:47:37.400000] local 10.0.2.1 dev eth2 table local proto kernel scope host src 10.0.2.1 ',
    '[2026-11-27T16:47:39.056014] 172.30.0.10 nhid 20 via 10.0.3.11 dev eth3 proto bgp metric 20 ',
    '[2026-11-27T16:47:39.100000] 172.30.0.100 nhid 20 via 10.0.3.11 dev eth3 proto bgp metric 20 ',
    '[2026-11-27T16:47:40.031687] Deleted 172.30.0.10 nhid 20 via 10.0.3.11 dev eth3 proto bgp metric 20 ',
  ].join('\n');

  it('turns multipath, single-path and deleted routes of the VIP into next-hop sets, to the microsecond', () => {
    const changes = parseRouteMonitor(text, 'spine', VIP);
    expect(changes.map((c) => c.nextHops)).toEqual([['10.0.2.11', '10.0.3.11'], ['10.0.3.11'], []]);
    expect(changes[1]!.t).toBeCloseTo(T('2026-11-27T16:47:39.056') + 0.014, 3);
    expect(changes.every((c) => c.router === 'spine' && c.source === 'event')).toBe(true);
  });

  it('ignores other prefixes, including ones the VIP is a prefix of', () => {
    expect(parseRouteMonitor(text, 'spine', '172.30.0.100').map((c) => c.nextHops)).toEqual([['10.0.3.11']]);
    expect(parseRouteMonitor(text, 'spine', '10.9.9.9')).toEqual([]);
  });
});

const SYN = (ts: string, dev: string, dir: string, ttl: number, id: number, src: string, sport: number) =>
  `${ts} ${dev}    ${dir.padEnd(3)} IP (tos 0x0, ttl ${ttl}, id ${id}, offset 0, flags [DF], proto TCP (6), length 60)\n    ${src}.${sport} > ${VIP}.80: Flags [S], cksum 0x14e4 (incorrect -> 0xa039), seq 1, win 64240, length 0`;
const ICMP = (ts: string, dev: string, from: string, to: string, what: string, sport: number) =>
  `${ts} ${dev}    Out IP (tos 0xc0, ttl 64, id 48020, offset 0, flags [none], proto ICMP (1), length 88)\n    ${from} > ${to}: ICMP ${what}, length 68\n\tIP (tos 0x0, ttl 62, id 7, offset 0, flags [DF], proto TCP (6), length 60)\n    ${to}.${sport} > ${VIP}.80: Flags [S], cksum 0x14e4 (incorrect -> 0xa039), seq 1, win 64240, length 0`;
const RST = (ts: string, dev: string, to: string, dport: number) =>
  `${ts} ${dev}   Out IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto TCP (6), length 40)\n    ${VIP}.80 > ${to}.${dport}: Flags [R], cksum 0x1 (correct), seq 9, win 0, length 0`;

describe('parseTcpdump', () => {
  it('reads SYNs, resets and ICMP errors with the port of the request they quote', () => {
    const pkts = parseTcpdump(
      [
        SYN('1795798058.100000', 'eth1', 'In', 63, 5, '192.168.100.11', 31111),
        ICMP('1795798058.100100', 'eth1', '10.0.2.11', '192.168.100.11', 'net 172.30.0.10 unreachable', 31111),
        RST('1795798058.2', 'eth0', '192.168.100.11', 31112),
        'tcpdump: listening on any',
      ].join('\n'),
      'leaf2',
    );
    expect(pkts.map((p) => [p.kind, p.dir, p.ttl, p.kind === 'rst' ? p.dport : (p.sport ?? p.quoted?.sport)])).toEqual([
      ['syn', 'In', 63, 31111],
      ['icmp', 'Out', 64, 31111],
      ['rst', 'Out', 64, 31112],
    ]);
    expect(pkts[0]!.t).toBeCloseTo(1795798058100, 3);
    expect(pkts[1]!.icmp).toBe('net 172.30.0.10 unreachable');
  });
});

describe('attributeLosses', () => {
  const t0 = 1795798058000;
  const fib: Record<string, { t: number; hops: string[] }[]> = {
    spine: [
      { t: t0, hops: ['10.0.2.11', '10.0.3.11'] },
      { t: t0 + 200, hops: ['10.0.3.11'] },
    ],
    leaf2: [
      { t: t0, hops: ['192.168.49.2'] },
      { t: t0 + 90, hops: [] },
      { t: t0 + 150, hops: ['10.0.2.1'] },
    ],
    leaf1: [{ t: t0, hops: ['10.0.1.1'] }],
  };
  const ctx: AttributionContext = {
    clientAddress: { client: '192.168.100.11' },
    nodeCluster: { cluster01: 'cluster01', cluster02: 'cluster02' },
    routers: ['leaf1', 'spine', 'leaf2'],
    fibAt: (r, t) => fib[r]?.filter((c) => c.t <= t).at(-1)?.hops,
    gaps: {},
  };
  const s = (ms: number) => ((t0 + ms) / 1000).toFixed(6);
  const trail = (sport: number, ms: number, hops: [string, string][], ttl = 64): TrailPacket[] =>
    hops.flatMap(([node, dir], i) =>
      parseTcpdump(
        SYN(s(ms + i * 0.01), 'eth1', dir, ttl - Math.floor(i / 2), 100 + sport, '192.168.100.11', sport),
        node,
      ),
    );

  it('a SYN that dies where the FIB is empty is a black hole, with the ICMP that told the client', () => {
    const packets = [
      ...trail(1, 100, [
        ['leaf1', 'In'],
        ['leaf1', 'Out'],
        ['spine', 'In'],
        ['spine', 'Out'],
        ['leaf2', 'In'],
      ]),
      ...parseTcpdump(ICMP(s(100.1), 'eth1', '10.0.2.11', '192.168.100.11', 'net 172.30.0.10 unreachable', 1), 'leaf2'),
    ];
    const [l] = attributeLosses(
      [{ client: 'client', t: t0 + 100, sport: 1, err: 'connect ENETUNREACH' }],
      packets,
      ctx,
      t0,
    );
    expect(l).toMatchObject({
      verdict: 'black-hole',
      where: 'leaf2',
      fib: [],
      icmp: { from: '10.0.2.11' },
      path: ['leaf1', 'spine', 'leaf2'],
    });
  });

  it('the same SYN seen twice at a router is a micro-loop, named with both FIBs', () => {
    const hops: [string, string][] = [
      ['spine', 'In'],
      ['spine', 'Out'],
      ['leaf2', 'In'],
      ['leaf2', 'Out'],
      ['spine', 'In'],
      ['spine', 'Out'],
      ['leaf2', 'In'],
      ['leaf2', 'Out'],
      ['spine', 'In'],
    ];
    const [l] = attributeLosses(
      [{ client: 'client', t: t0 + 160, sport: 2, err: 'connect EHOSTUNREACH' }],
      trail(2, 160, hops),
      ctx,
      t0,
    );
    expect(l!.verdict).toBe('micro-loop');
    expect(l!.detail).toContain('spine → [10.0.2.11, 10.0.3.11], leaf2 → [10.0.2.1]');
    expect(l!.icmp).toBeUndefined();
  });

  it('forwarded towards a node that never got it; received by a node; reset by the other cluster; no trail', () => {
    const packets = [
      ...trail(3, 10, [
        ['leaf2', 'In'],
        ['leaf2', 'Out'],
      ]),
      ...trail(4, 20, [
        ['leaf2', 'In'],
        ['leaf2', 'Out'],
        ['cluster01', 'In'],
      ]),
      ...parseTcpdump(RST(s(30), 'eth0', '192.168.100.11', 5), 'cluster02'),
      ...trail(8, 60, [['cluster01', 'In']]),
      ...parseTcpdump(RST(s(63), 'eth0', '192.168.100.11', 8), 'cluster02'),
    ];
    const losses = attributeLosses(
      [
        { client: 'client', t: t0 + 10, sport: 3, err: 'timeout' },
        { client: 'client', t: t0 + 20, sport: 4, err: 'timeout' },
        { client: 'client', t: t0 + 25, sport: 5, err: 'read ECONNRESET' },
        { client: 'client', t: t0 + 40, sport: 6, err: 'timeout' },
        { client: 'client', t: t0 + 50, err: 'timeout' },
        { client: 'client', t: t0 + 60, sport: 8, err: 'read ECONNRESET' },
      ],
      packets,
      ctx,
      t0,
    );
    expect(losses.map((l) => [l.verdict, l.where])).toEqual([
      ['lost-towards-node', 'leaf2'],
      ['unanswered-at-node', 'cluster01'],
      ['reset', 'cluster02'],
      ['unknown', undefined],
      ['unknown', undefined],
      ['reset', 'cluster02'],
    ]);
    expect(losses[2]!.rehashedFrom).toBeUndefined();
    expect(losses[5]!.rehashedFrom).toBe('cluster01');
    expect(losses[5]!.detail).toContain('its SYN reached cluster01 (cluster01)');
  });

  it('an ICMP net unreachable from the router where it died makes it a black hole, though the monitor had not read the deletion yet', () => {
    const packets = [
      ...trail(9, 80, [
        ['leaf1', 'In'],
        ['leaf1', 'Out'],
        ['spine', 'In'],
        ['spine', 'Out'],
        ['leaf2', 'In'],
      ]),
      ...parseTcpdump(ICMP(s(80.1), 'eth1', '10.0.2.11', '192.168.100.11', 'net 172.30.0.10 unreachable', 9), 'leaf2'),
    ];
    const [l] = attributeLosses(
      [{ client: 'client', t: t0 + 80, sport: 9, err: 'connect ENETUNREACH' }],
      packets,
      ctx,
      t0,
    );
    expect(l).toMatchObject({ verdict: 'black-hole', where: 'leaf2', fib: ['192.168.49.2'] });
    expect(l!.detail).toContain('not yet read');
  });

  it('a SYN that dies at a router holding a route is not explained away', () => {
    const [l] = attributeLosses(
      [{ client: 'client', t: t0 + 10, sport: 7, err: 'timeout' }],
      trail(7, 10, [['leaf1', 'In']]),
      ctx,
      t0,
    );
    expect(l).toMatchObject({ verdict: 'dropped-with-route', where: 'leaf1', fib: ['10.0.1.1'] });
  });
});

describe('firstPathChange', () => {
  const l = (at: number, verdict = 'micro-loop', where = 'spine') =>
    ({ client: 'c', t: at - 1, verdict, where, at, path: [], detail: '' }) as never;
  it("takes a lost packet's kernel time when it precedes the monitor's stamp, and reports the lag", () => {
    expect(firstPathChange(1100, [l(1098.9), l(1120)], ['spine', 'leaf2'], 1000, 1150)).toEqual({
      t: 1098.9,
      monitorLagMs: 1100 - 1098.9,
    });
  });
  it("keeps the monitor's stamp otherwise, and ignores losses off the path or of other kinds", () => {
    expect(
      firstPathChange(
        1100,
        [l(1120), l(1050, 'reset', 'cluster02'), l(1050, 'black-hole', 'leaf1')],
        ['spine', 'leaf2'],
        1000,
        1150,
      ),
    ).toEqual({ t: 1100 });
    expect(firstPathChange(undefined, [], ['spine'], 1000, 1150)).toEqual({ t: undefined });
  });
});

describe('unexpectedLosses', () => {
  const w: FaultWindows = {
    tFault: 1000,
    tDetect: 1150,
    tRestore: 2000,
    tBack: 2100,
    ecmpChanges: [1150, 2100],
    onPath: ['leaf2', 'spine'],
    victim: 'cluster01',
    dataPlaneAlive: true,
    trailComplete: true,
  };
  const loss = (t: number, verdict: string, where: string, at: number, ms = 5) =>
    ({ client: 'c', t, ms, verdict, where, at, path: [], detail: '' }) as never;

  it('allows the withdrawal transient on the victim path, between the fault and the move', () => {
    expect(
      unexpectedLosses([loss(1120, 'black-hole', 'leaf2', 1121), loss(1140, 'micro-loop', 'spine', 1141)], w),
    ).toEqual([]);
    // Before the route monitor's first stamp is fine: its stamps trail the kernel; the packet's do not.
    expect(unexpectedLosses([loss(1010, 'micro-loop', 'spine', 1011)], w)).toEqual([]);
    expect(unexpectedLosses([loss(1160, 'black-hole', 'leaf2', 1161)], w).map((u) => u.why)).toEqual([
      expect.stringContaining('withdrawal transient'),
    ]);
    expect(unexpectedLosses([loss(1120, 'black-hole', 'leaf1', 1121)], w)).toHaveLength(1);
  });

  it('with the data plane up, a lost request at the dead-node side is unexpected; with it down, it is the fault', () => {
    const l = loss(1050, 'lost-towards-node', 'leaf2', 1051);
    expect(unexpectedLosses([l], w)).toHaveLength(1);
    expect(unexpectedLosses([l], { ...w, dataPlaneAlive: false })).toEqual([]);
  });

  it('allows a reset only for a connection open while an ECMP set changed (the rehash), during the fault or after the restore', () => {
    expect(unexpectedLosses([loss(2090, 'reset', 'cluster02', 2101, 20)], w)).toEqual([]);
    expect(unexpectedLosses([loss(2200, 'reset', 'cluster02', 2201, 20)], w)).toHaveLength(1);
    // Open when the fabric dropped the victim (ECMP change at 1150), reset 200 ms later on the retransmission.
    expect(unexpectedLosses([loss(1140, 'reset', 'cluster02', 1345, 206)], w)).toEqual([]);
    expect(unexpectedLosses([loss(1160, 'reset', 'cluster02', 1365, 206)], w)).toHaveLength(1);
    // A short connection that died of the change before the monitor stamped it (stamp 2100, request 2095–2098):
    // allowed only with the packet proof that its SYN went to another cluster than the one that reset it.
    const quick = { ...(loss(2095, 'reset', 'cluster01', 2097, 3) as object), rehashedFrom: 'cluster02' } as never;
    expect(unexpectedLosses([quick], w)).toEqual([]);
    expect(unexpectedLosses([loss(2095, 'reset', 'cluster01', 2097, 3)], w)).toHaveLength(1);
  });

  it('a loss that ended before the fault, or has no trail although every capture ran, is unexpected', () => {
    expect(
      unexpectedLosses([loss(900, 'black-hole', 'leaf2', 901, 5), loss(1120, 'unknown', 'leaf2', 1121)], w),
    ).toHaveLength(2);
  });

  it('with a capture missing, a trail-less loss is judged by when it was open, against the same windows', () => {
    const partial = { ...w, trailComplete: false };
    expect(unexpectedLosses([loss(1120, 'unknown', 'leaf2', 1121)], partial)).toEqual([]);
    expect(unexpectedLosses([loss(1500, 'unknown', 'leaf2', 1501)], partial)).toHaveLength(1);
    expect(unexpectedLosses([loss(1050, 'unknown', 'leaf2', 1051)], { ...partial, dataPlaneAlive: false })).toEqual([]);
  });
});

describe('harness errors: requests the probe could not send', () => {
  const t0 = 1795798058000;
  const sent = { client: 'client', t: t0 + 100, ms: 300, sport: 20001, ok: false, err: 'timeout' };
  const unsent = {
    client: 'client',
    t: t0 + 110,
    ms: 1,
    sport: 20002,
    ok: false,
    harness: 'bind EADDRINUSE 0.0.0.0:20002',
    holders: ['TIME_WAIT 192.168.100.11:20002 -> 172.30.0.10:80'],
  };
  const ctx: AttributionContext = {
    clientAddress: { client: '192.168.100.11' },
    nodeCluster: {},
    routers: [],
    fibAt: () => undefined,
    gaps: {},
  };

  it('are split out of the failures and surfaced with their cause and what held the port, never as lost', () => {
    const { lost, harness } = splitFailures([sent, unsent]);
    expect(lost).toEqual([sent]);
    expect(harness).toEqual([
      { client: 'client', t: t0 + 110, sport: 20002, cause: unsent.harness, holders: unsent.holders },
    ]);
    expect(describeHarnessError(harness[0]!, t0)).toBe(
      '0.110 s client port 20002: harness error, never sent (bind EADDRINUSE 0.0.0.0:20002); port held by TIME_WAIT 192.168.100.11:20002 -> 172.30.0.10:80',
    );
    // What is left is attributed as before: the sent request is a loss without a trail.
    expect(attributeLosses(lost, [], ctx, t0).map((l) => [l.sport, l.verdict])).toEqual([[20001, 'unknown']]);
  });

  it('are refused by the attribution, which would otherwise count them as lost "unknown"', () => {
    expect(() => attributeLosses([sent, unsent], [], ctx, t0)).toThrow(
      /port 20002 was never sent \(bind EADDRINUSE 0\.0\.0\.0:20002\): a harness error, not a loss/,
    );
  });

  it('count neither as requests nor as lost, and do not stretch the outage window', () => {
    const ok = (t: number) => ({ t, ms: 2, sport: 1, ok: true, cluster: 'cluster02' });
    // Network failures at 1000 and 1200; a harness error at 12 000 would otherwise make an 11 s outage.
    const records = [ok(900), { ...sent, t: 1000 }, { ...sent, t: 1200 }, ok(1300), { ...unsent, t: 12_000 }];
    expect(outageStats(records, 'cluster01', 0, 20_000)).toEqual({
      requests: 4,
      lost: 2,
      harness: 1,
      outageSeconds: 0.2,
      firstFailure: 1000,
      lastFailure: 1200,
      answeredByFailed: 0,
    });
  });
});
