/**
 * A fault's verdict from route events (helpers/observe/route-monitor.ts reachedIn, the one clock
 * of every fault experiment): when every (ECMP router, VIP) pair held its new set at once, which
 * pair passed through "no route", and that a pair without an event has no time (so a missed
 * event cannot pass as a fast move); and what the all-VIPs and one-node faults aim at.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allVipsPlan, type AllVipsPlan } from '../../helpers/faults/all-vips.js';
import { faultTarget } from '../../helpers/faults/fault-target.js';
import { generateLab } from '../../helpers/generate/generate-lab.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { reachedIn, type RouteChange } from '../../helpers/observe/route-monitor.js';

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
const ev = (t: number, prefix: string, nextHops: string[]): RouteChange => ({
  t,
  router: 'spine',
  prefix,
  nextHops,
  source: 'event',
});

describe('reachedIn: when every wanted (router, prefix) pair held its next hops at once', () => {
  it('is the moment the last pair arrived; events count only the wanted pairs', () => {
    const s = reachedIn(
      [ev(1100, '172.30.0.10', ['10.0.3.11']), ev(1105, '10.9.9.0/24', []), ev(1120, '172.30.0.11', ['10.0.3.11'])],
      plan.survivors,
      1000,
    );
    expect(s.t).toBe(1120);
    expect(s.perRouter).toEqual({ spine: 1120 });
    expect(s.blackHoled).toEqual([]);
    expect(s.notReached).toEqual([]);
    expect(s.events).toBe(2);
  });

  it('names a VIP that passed through "no route", and takes its later arrival', () => {
    const s = reachedIn(
      [ev(1050, '172.30.0.10', []), ev(1100, '172.30.0.11', ['10.0.3.11']), ev(1300, '172.30.0.10', ['10.0.3.11'])],
      plan.survivors,
      1000,
    );
    expect(s.blackHoled).toEqual(['spine 172.30.0.10']);
    expect(s.t).toBe(1300);
  });

  it('gives no time when a pair has no event reaching its set, and names it', () => {
    const s = reachedIn([ev(1100, '172.30.0.10', ['10.0.3.11'])], plan.survivors, 1000);
    expect(s.t).toBeUndefined();
    expect(s.notReached).toEqual(['spine 172.30.0.11: holds [?], wanted [10.0.3.11]']);
  });

  it('names a pair that reached its set and then left it, though all once held at once', () => {
    const s = reachedIn(
      [
        ev(1100, '172.30.0.10', ['10.0.3.11']),
        ev(1100, '172.30.0.11', ['10.0.3.11']),
        ev(1200, '172.30.0.11', ['10.0.2.11', '10.0.3.11']),
      ],
      plan.survivors,
      1000,
    );
    expect(s.t).toBe(1100);
    expect(s.notReached).toEqual(['spine 172.30.0.11: holds [10.0.2.11, 10.0.3.11], wanted [10.0.3.11]']);
  });

  it('starts from the state before `since` (a seed dump), so a pair already there counts from since', () => {
    const seed = { ...ev(900, '172.30.0.10', ['10.0.3.11']), source: 'snapshot' as const };
    const s = reachedIn([seed, ev(1150, '172.30.0.11', ['10.0.3.11'])], plan.survivors, 1000);
    expect(s.t).toBe(1150);
    expect(s.events).toBe(1);
  });
});

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true, maxRetries: 5 })));

/** A stand-in handle on a generated lab's model (the plans read only the model). */
function generated(nodesPerCluster: number, services: number): LabHandle {
  const root = mkdtempSync(join(tmpdir(), 'av-all-vips-'));
  made.push(root);
  for (const [path, text] of generateLab(
    { clusters: 3, nodesPerCluster, services, clients: 2, spines: 1 },
    PROJECT_ROOT,
  )) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { model: loadLabModel({ root }) } as LabHandle;
}

describe('what the fault suites aim at on a generated lab', () => {
  it('all VIPs: every node of the victim cluster, every VIP, the spine over 3 then 2 clusters', () => {
    const plan = allVipsPlan(generated(2, 5));
    expect(plan.victimNodes).toEqual(['cluster01', 'cluster01-m02']);
    expect(plan.vips).toHaveLength(5);
    expect(plan.routers).toEqual(['spine']);
    expect(plan.full.get('spine 172.30.0.14')).toHaveLength(3);
    expect(plan.survivors.get('spine 172.30.0.14')).toEqual(['10.0.3.11', '10.0.4.11']);
  });

  it("one node: supported when it is its cluster's one speaker, refused by name otherwise", () => {
    expect(faultTarget(generated(1, 1)).unsupported).toBeUndefined();
    expect(faultTarget(generated(2, 1)).unsupported).toMatch(
      /^cluster01 has 2 nodes with a BGP speaker; a fault on cluster01 alone/,
    );
  });
});
