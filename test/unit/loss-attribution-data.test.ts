/**
 * After a completed handshake, where the rest of a lost connection went, from its request and
 * answer segments in the trail: to the other cluster (a rehash with no reset captured), to the
 * node that never answered, or back towards the client and lost there.
 */
import { describe, expect, it } from 'vitest';
import type { TrailPacket } from '../../helpers/observe/packet-trail.js';
import { attributeLosses } from '../../helpers/observe/loss-attribution.js';
import { ANSWER, REQUEST, SYNACK, trailOf, VIP } from '../support/trail-pcap.js';
import { ctx, s, t0, trail } from '../support/loss-fixture.js';

describe('after the handshake, the request and answer segments say where the rest went', () => {
  const C = '192.168.100.11';
  const handshake = (sport: number) => [
    ...trail(sport, 20, [['cluster02', 'In']]),
    ...trailOf(SYNACK(s(21), 'eth1', 'In', C, sport), 'client'),
    ...trailOf(REQUEST(s(22), 'eth1', 'Out', C, sport), 'client', VIP),
  ];
  const req = (sport: number, node: string, dir: string, ms: number) =>
    trailOf(REQUEST(s(ms), 'eth1', dir, C, sport), node, VIP);
  const ans = (sport: number, node: string, dir: string, ms: number) =>
    trailOf(ANSWER(s(ms), 'eth0', dir, C, sport), node, VIP);
  const one = (sport: number, packets: TrailPacket[]) =>
    attributeLosses([{ client: 'client', t: t0 + 20, sport, err: 'timeout' }], packets, ctx, t0)[0]!;

  it('a request that reached the other cluster is a rehash, with the cluster its SYN reached', () => {
    const l = one(11, [...handshake(11), ...req(11, 'spine', 'In', 22.1), ...req(11, 'cluster01', 'In', 22.3)]);
    expect([l.verdict, l.where, l.at, l.rehashedFrom]).toEqual(['rehashed', 'cluster01', t0 + 22.3, 'cluster02']);
    expect(l.detail).toContain('its request reached cluster01 (cluster01) at 0.022 s, which had no connection for it');
  });

  it('a request that reached the node its SYN reached: no answer sent, an answer lost on the way, a late answer', () => {
    const silent = one(12, [...handshake(12), ...req(12, 'cluster02', 'In', 22.3)]);
    expect([silent.verdict, silent.detail]).toEqual([
      'unanswered-at-node',
      expect.stringContaining('cluster02 received its request at 0.022 s and sent no answer'),
    ]);
    const lost = one(13, [
      ...handshake(13),
      ...req(13, 'cluster02', 'In', 22.3),
      ...ans(13, 'cluster02', 'Out', 23),
      ...ans(13, 'leaf2', 'In', 23.1),
    ]);
    expect(lost.detail).toContain(
      'cluster02 answered at 0.023 s and the answer was last seen arriving at leaf2 at 0.023 s',
    );
    const late = one(14, [
      ...handshake(14),
      ...req(14, 'cluster02', 'In', 22.3),
      ...ans(14, 'cluster02', 'Out', 330),
      ...ans(14, 'client', 'In', 331),
    ]);
    expect(late.detail).toContain(
      'cluster02 answered at 0.330 s (308 ms after its request) and the answer reached client at 0.331 s, after the probe gave up',
    );
    // With the probe's own give-up time: an answer after it, and one that came before it (the probe was late).
    const timed = (ms: number, back: number) =>
      attributeLosses(
        [{ client: 'client', t: t0 + 20, ms, sport: 14, err: 'timeout' }],
        [
          ...handshake(14),
          ...req(14, 'cluster02', 'In', 22.3),
          ...ans(14, 'cluster02', 'Out', 310),
          ...ans(14, 'client', 'In', back),
        ],
        ctx,
        t0,
      )[0]!.detail;
    expect(timed(300, 331)).toContain('the answer reached client at 0.331 s, after the probe gave up at 0.320 s');
    expect(timed(340, 331)).toContain(
      'the answer reached client at 0.331 s, 29 ms before the probe gave up at 0.360 s: the probe did not read an answer that had come',
    );
  });

  it('a request that never reached a cluster says where it was last seen, or that it never left', () => {
    expect(one(15, [...handshake(15), ...req(15, 'spine', 'In', 22.1)]).detail).toContain(
      'its request was last seen arriving at spine at 0.022 s',
    );
    // A retransmission (its own IP id) seconds later, after the probe gave up, does not move where the request died.
    const resent = trailOf(REQUEST(s(3300), 'eth1', 'In', C, 18, 4242), 'leaf2', VIP);
    expect(one(18, [...handshake(18), ...req(18, 'spine', 'In', 22.1), ...resent]).detail).toContain(
      'its request was last seen arriving at spine at 0.022 s',
    );
    expect(one(16, handshake(16)).detail).toContain('its request left client at 0.022 s and no node received it');
    const noRequest = [
      ...trail(17, 20, [['cluster02', 'In']]),
      ...trailOf(SYNACK(s(21), 'eth1', 'In', C, 17), 'client'),
      ...req(99, 'client', 'Out', 5),
    ];
    expect(one(17, noRequest).detail).toContain('its request was captured nowhere, not even leaving client');
  });
});
