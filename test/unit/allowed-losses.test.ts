/**
 * Which losses a fault may cause: the first path change (a lost packet's kernel time when it
 * precedes the route monitor's stamp), and the losses outside the windows the fault allows.
 */
import { describe, expect, it } from 'vitest';
import { firstPathChange, unexpectedLosses, type FaultWindows } from '../../helpers/faults/allowed-losses.js';

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
    // The move: leaf2's link opens at the fault (its hold timer), the spine's at leaf2's UPDATE;
    // the fail-back: leaf2's at the victim's UPDATE (2010), the spine's at leaf2's (2040).
    transients: [
      { phase: 'fault', router: 'leaf2', from: 1000, to: 1150, link: 'leaf2.fib' },
      { phase: 'fault', router: 'spine', from: 1005, to: 1150, link: 'spine.rx' },
      { phase: 'back', router: 'leaf2', from: 2010, to: 2100, link: 'leaf2.rx' },
      { phase: 'back', router: 'spine', from: 2040, to: 2100, link: 'spine.rx' },
    ],
    victim: 'cluster01',
    dataPlaneAlive: true,
    trailComplete: true,
  };
  const loss = (t: number, verdict: string, where: string, at: number, ms = 5) =>
    ({ client: 'c', t, ms, verdict, where, at, path: [], detail: '' }) as never;

  it('allows a black hole or a loop only inside a waterfall link at the router where it happened', () => {
    expect(
      unexpectedLosses([loss(1120, 'black-hole', 'leaf2', 1121), loss(1140, 'micro-loop', 'spine', 1141)], w),
    ).toEqual([]);
    // Before the route monitor's stamp is fine (its stamps trail the kernel), but not before the link opened.
    expect(unexpectedLosses([loss(1005, 'micro-loop', 'spine', 1006)], w)).toEqual([]);
    expect(unexpectedLosses([loss(1001, 'black-hole', 'spine', 1002)], w).map((u) => u.why)).toEqual([
      "a black-hole at spine at 0.002 s, outside the move's waterfall links there (spine.rx 0.005–0.150 s)",
    ]);
    expect(unexpectedLosses([loss(1160, 'black-hole', 'leaf2', 1161)], w)).toHaveLength(1);
    expect(unexpectedLosses([loss(1120, 'black-hole', 'leaf1', 1121)], w).map((u) => u.why)).toEqual([
      "a black-hole at leaf1, where no link of the move's waterfall runs",
    ]);
  });

  it('a loop counts at every router it went round, not only where its TTL ran out', () => {
    const looped = {
      ...(loss(1002, 'micro-loop', 'spine', 1003) as object),
      path: ['leaf1', 'spine', 'leaf2', 'spine', 'leaf2', 'spine'],
    } as never;
    expect(unexpectedLosses([looped], w)).toEqual([]);
  });

  it('after the restore, a black hole or a loop needs a fail-back link at its router', () => {
    expect(unexpectedLosses([loss(2050, 'micro-loop', 'spine', 2051)], w)).toEqual([]);
    expect(unexpectedLosses([loss(2020, 'black-hole', 'spine', 2021)], w)).toHaveLength(1);
    expect(unexpectedLosses([loss(2050, 'black-hole', 'leaf2', 2051)], { ...w, transients: [] })).toHaveLength(1);
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

  it('allows a rehash without a captured reset (its request reached the other cluster) only with an ECMP change after it opened', () => {
    const moved = (t: number) =>
      ({ ...(loss(t, 'rehashed', 'cluster01', t + 3, 300) as object), rehashedFrom: 'cluster02' }) as never;
    expect(unexpectedLosses([moved(2095)], w)).toEqual([]);
    // No ECMP set changed after 2200: nothing in the fabric moved it.
    expect(unexpectedLosses([moved(2200)], w)).toHaveLength(1);
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

  it('allows a SYN dropped with a route through a link the fault took down there, only between the command and the link stamp', () => {
    // The spine routed the VIP via 10.0.2.11 on eth2; the fault's command began at 1000, the monitor stamped eth2 down at 1046.
    const cut = { ...w, cuts: [{ router: 'spine', dev: 'eth2', gateways: ['10.0.2.11'], from: 1000, to: 1046 }] };
    const dropped = (at: number, where = 'spine', fib = ['10.0.2.11', '10.0.3.11']) =>
      ({ ...(loss(at - 1, 'dropped-with-route', where, at) as object), fib }) as never;
    expect(unexpectedLosses([dropped(1042)], cut)).toEqual([]);
    // After the stamp, before the command, at another router, or with no next hop through the link: unexpected.
    expect(unexpectedLosses([dropped(1047)], cut)).toHaveLength(1);
    expect(unexpectedLosses([dropped(1042, 'leaf2')], cut)).toHaveLength(1);
    expect(unexpectedLosses([dropped(1042, 'spine', ['10.0.3.11'])], cut)).toHaveLength(1);
    expect(unexpectedLosses([dropped(1042)], w)).toHaveLength(1);
    // Only that verdict: a black hole there is judged by the waterfall, as before.
    expect(unexpectedLosses([loss(1001, 'black-hole', 'spine', 1002)], cut)).toHaveLength(1);
  });
});
