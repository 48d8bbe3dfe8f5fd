/**
 * The all-VIPs withdrawal's verdict from route events (helpers/faults/all-vips.ts): when the
 * last (ECMP router, VIP) pair reached its new set, which pair passed through "no route", and
 * that a pair without an event has no time (so a missed event cannot pass as a fast move).
 */
import { describe, expect, it } from 'vitest';
import { summarise, type AllVipsPlan } from '../../helpers/faults/all-vips.js';
import type { PrefixChange } from '../../helpers/observe/route-monitor.js';

const plan: AllVipsPlan = {
  victimCluster: 'cluster01',
  victimNodes: ['cluster01'],
  vips: ['172.30.0.10', '172.30.0.11'],
  routers: ['spine'],
  full: new Map([
    ['spine 172.30.0.10', ['10.0.2.11', '10.0.3.11']],
    ['spine 172.30.0.11', ['10.0.2.11', '10.0.3.11']],
  ]),
  survivors: new Map([
    ['spine 172.30.0.10', ['10.0.3.11']],
    ['spine 172.30.0.11', ['10.0.3.11']],
  ]),
};
const ev = (t: number, prefix: string, nextHops: string[]): PrefixChange => ({
  t,
  router: 'spine',
  prefix,
  nextHops,
  source: 'event',
});

describe('summarise', () => {
  it('times the move by the last pair to reach its new set', () => {
    const s = summarise(
      plan,
      plan.survivors,
      [ev(1120, '172.30.0.11', ['10.0.3.11']), ev(1100, '172.30.0.10', ['10.0.3.11']), ev(1105, '10.9.9.0/24', [])],
      1000,
    );
    expect(s.seconds).toBeCloseTo(0.12, 6);
    expect(s.perRouter).toEqual({ spine: expect.closeTo(0.12, 6) });
    expect(s.blackHoled).toEqual([]);
    expect(s.events).toBe(3);
  });

  it('names a VIP that passed through "no route", and takes the later arrival as its time', () => {
    const s = summarise(
      plan,
      plan.survivors,
      [ev(1050, '172.30.0.10', []), ev(1300, '172.30.0.10', ['10.0.3.11']), ev(1100, '172.30.0.11', ['10.0.3.11'])],
      1000,
    );
    expect(s.blackHoled).toEqual(['spine 172.30.0.10']);
    expect(s.seconds).toBeCloseTo(0.3, 6);
  });

  it('gives no time when a pair has no event reaching its set', () => {
    const s = summarise(plan, plan.survivors, [ev(1100, '172.30.0.10', ['10.0.3.11'])], 1000);
    expect(s.seconds).toBeUndefined();
  });

  it('does not count a pair that reached its set and then left it', () => {
    const s = summarise(
      plan,
      plan.survivors,
      [
        ev(1100, '172.30.0.10', ['10.0.3.11']),
        ev(1100, '172.30.0.11', ['10.0.3.11']),
        ev(1200, '172.30.0.11', ['10.0.2.11', '10.0.3.11']),
      ],
      1000,
    );
    expect(s.seconds).toBeUndefined();
  });
});
