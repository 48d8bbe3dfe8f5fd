/**
 * Each kind of loss named from the evidence: a failed request's SYN trail (parsed from
 * `tcpdump -v` text), the resets and ICMP errors that answered it, and the FIB where it died.
 * A request the probe never sent is a harness error, never a loss.
 */
import { describe, expect, it } from 'vitest';
import {
  attributeLosses,
  describeHarnessError,
  splitFailures,
  type AttributionContext,
} from '../../helpers/observe/loss-attribution.js';
import { outageStats } from '../../helpers/faults/outage.js';
import { ICMP, RST, SYNACK, trailOf } from '../support/trail-pcap.js';
import { ctx, s, t0, trail } from '../support/loss-fixture.js';

describe('attributeLosses', () => {
  it('a SYN that dies where the FIB is empty is a black hole, with the ICMP that told the client', () => {
    const packets = [
      ...trail(1, 100, [
        ['leaf1', 'In'],
        ['leaf1', 'Out'],
        ['spine', 'In'],
        ['spine', 'Out'],
        ['leaf2', 'In'],
      ]),
      ...trailOf(ICMP(s(100.1), 'eth1', '10.0.2.11', '192.168.100.11', 'net 172.30.0.10 unreachable', 1), 'leaf2'),
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
      ...trailOf(RST(s(30), 'eth0', '192.168.100.11', 5), 'cluster02'),
      ...trail(8, 60, [['cluster01', 'In']]),
      ...trailOf(RST(s(63), 'eth0', '192.168.100.11', 8), 'cluster02'),
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

  it('a request a cluster got and never answered says whether the client got the SYN-ACK, where its capture holds them', () => {
    const reached = (sport: number) => trail(sport, 20, [['cluster02', 'In']]);
    const synAck = (sport: number) => trailOf(SYNACK(s(21), 'eth1', 'In', '192.168.100.11', sport), 'client');
    const failed = [9, 10].map((sport) => ({ client: 'client', t: t0 + 20, sport, err: 'timeout' }));
    // Port 9 completed its handshake; port 10 got no SYN-ACK back.
    const [done, silent] = attributeLosses(failed, [...reached(9), ...synAck(9), ...reached(10)], ctx, t0);
    expect([done!.verdict, done!.handshakeAt]).toEqual(['unanswered-at-node', t0 + 21]);
    expect(done!.detail).toContain('its SYN-ACK reached the client at 0.021 s (the handshake completed');
    expect([silent!.handshakeAt, silent!.detail]).toEqual([
      null,
      expect.stringContaining('no SYN-ACK reached the client'),
    ]);
    // A SYN-ACK after the probe gave up (its socket closed) completed nothing.
    const [late] = attributeLosses([{ ...failed[0]!, ms: 0.2 }], [...reached(9), ...synAck(9)], ctx, t0);
    expect([late!.handshakeAt, late!.detail]).toEqual([
      null,
      expect.stringContaining(
        'reached the client only at 0.021 s, after the probe gave up at 0.020 s (the handshake never completed)',
      ),
    ]);
    // A capture that holds no SYN-ACKs at all (an older trail) says nothing either way.
    const [unsaid] = attributeLosses(failed.slice(1), reached(10), ctx, t0);
    expect([unsaid!.handshakeAt, unsaid!.detail]).toEqual([undefined, expect.not.stringContaining('SYN-ACK')]);
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
      ...trailOf(ICMP(s(80.1), 'eth1', '10.0.2.11', '192.168.100.11', 'net 172.30.0.10 unreachable', 9), 'leaf2'),
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
