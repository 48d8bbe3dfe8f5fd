/**
 * The drain plans (helpers/faults/drains.ts) on the seed lab and on copies: each method's exact
 * configuration and undo, the advertisement copy that adds GRACEFUL_SHUTDOWN, and the refusal
 * to replace a route-map the user already has; and the drain findings' windows
 * (helpers/experiment/drain-findings.ts).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { drainPlan } from '../../helpers/faults/drains.js';
import { faultTarget } from '../../helpers/faults/fault-target.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { causesOf } from '../../helpers/report/drain-report.js';
import { drainFindings } from '../../helpers/experiment/drain-findings.js';
import { stepBudget } from '../../helpers/faults/drain-budget.js';
import { announceAllowance } from '../../helpers/faults/announce-delay.js';
import type { DrainRun } from '../../helpers/experiment/drain-run.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const target = faultTarget({ model });

describe('drain plans on the seed lab', () => {
  it('leaf-prepend: leaf2 prepends its AS twice towards the spine, soft out; the undo removes both', () => {
    expect(drainPlan(model, target, 'leaf-prepend')).toEqual({
      method: 'leaf-prepend',
      routers: [
        {
          router: 'leaf2',
          apply: [
            'route-map AV-DRAIN-PREPEND permit 10',
            'set as-path prepend 65002 65002',
            'exit',
            'router bgp 65002',
            'address-family ipv4 unicast',
            'neighbor 10.0.2.1 route-map AV-DRAIN-PREPEND out',
          ],
          lift: [
            'router bgp 65002',
            'address-family ipv4 unicast',
            'no neighbor 10.0.2.1 route-map AV-DRAIN-PREPEND out',
            'exit-address-family',
            'exit',
            'no route-map AV-DRAIN-PREPEND',
          ],
          refresh: ['clear bgp ipv4 unicast 10.0.2.1 soft out'],
        },
      ],
      // leaf2 sends the prepended path to the spine, the one peer its route-map is given to.
      announcers: [{ router: 'leaf2', to: '10.0.2.1', peers: 1 }],
    });
  });

  it('ecmp-local-preference: the spine sets 50 on what leaf2 sends, soft in', () => {
    const plan = drainPlan(model, target, 'ecmp-local-preference');
    expect(plan).toMatchObject({
      method: 'ecmp-local-preference',
      routers: [
        {
          router: 'spine',
          apply: expect.arrayContaining([
            'set local-preference 50',
            'neighbor 10.0.2.11 route-map AV-DRAIN-LOCAL-PREF in',
          ]),
          refresh: ['clear bgp ipv4 unicast 10.0.2.11 soft in'],
        },
      ],
      // The route refresh makes leaf2 send again to the spine, in a subgroup read live (no size here).
      announcers: [{ router: 'leaf2', to: '10.0.2.1' }],
    });
  });

  it("advertisement: a copy of cluster01's Service advertisement, same labels and selector, with planned-shut, for cluster01 only", () => {
    const plan = drainPlan(model, target, 'advertisement');
    if (!('files' in plan)) throw new Error('no files');
    expect(plan.files.map((f) => f.path)).toEqual(['drain/cluster01/anycast-services-drain.yaml']);
    const doc = parse(plan.files[0]!.text) as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { advertisements: { selector: unknown; attributes: unknown }[] };
    };
    expect(doc.metadata).toEqual({ name: 'anycast-services-drain', labels: { advertise: 'bgp' } });
    expect(doc.spec.advertisements[0]).toMatchObject({
      selector: { matchLabels: { lbmode: 'bgp' } },
      attributes: { communities: { wellKnown: ['planned-shut'] } },
    });
  });

  it("refuses to replace a route-map the user's leaf already has towards the spine, naming it", () => {
    const c = labCopy();
    c.edit(
      'containerlab/configs/leaf2.frr.conf',
      'router bgp 65002\n',
      'route-map MINE permit 10\nexit\n!\nrouter bgp 65002\n',
    );
    c.edit(
      'containerlab/configs/leaf2.frr.conf',
      ' neighbor 10.0.2.1 description spine\n',
      ' neighbor 10.0.2.1 description spine\n neighbor 10.0.2.1 route-map MINE out\n',
    );
    const m = loadLabModel({ root: c.root });
    expect(drainPlan(m, faultTarget({ model: m }), 'leaf-prepend')).toEqual({
      unsupported: 'leaf2 already has a route-map out towards spine (MINE); a drain would replace it',
    });
  });
});

describe('what a drain run cost, step by step', () => {
  const rec = (t: number, ok: boolean, cluster?: string) => ({
    t,
    ms: ok ? 2 : 300,
    ok,
    cluster,
    err: ok ? undefined : 'timeout',
  });
  const run: DrainRun = {
    tDrain: 1000,
    tDrained: 1300,
    tWithdraw: 3000,
    tWithdrawn: 3200,
    tRestore: 4000,
    tRestored: 4300,
    tLift: 5000,
    tBack: 5250,
    cpuPressure: { absent: 'not read in a unit test' },
    budget: { seconds: 0.5, formula: 'f' },
    probes: {
      client: [rec(1100, false), rec(1900, true, 'cluster01'), rec(3500, true, 'cluster02'), rec(5100, false)],
    },
    held: [
      { client: 'client', id: 1, slot: 1, sport: 1, openedAt: 0, cluster: 'cluster01', servedBy: [], brokeAt: 1250 },
      { client: 'client', id: 2, slot: 2, sport: 2, openedAt: 0, cluster: 'cluster02', servedBy: [], brokeAt: 3100 },
    ],
    fib: [{ t: 3300, router: 'spine', prefix: target.vip, nextHops: ['10.0.2.11'], source: 'event' }],
    fibAt: () => undefined,
    trail: { packets: [], gaps: {} },
    missed: [],
  };
  it('splits losses, breaks and changes into the drain, the maintenance under it, and the lift', () => {
    const f = drainFindings(run, target, model);
    expect([f.drain.seconds, f.drain.lost.length, f.drain.broken.map((c) => c.id)]).toEqual([0.3, 1, [1]]);
    expect(f.maintenance.lost).toEqual([]);
    expect(f.maintenance.broken.map((c) => c.id)).toEqual([2]);
    expect(f.maintenance.ecmpChanges).toHaveLength(1);
    expect([f.lift.seconds, f.lift.lost.length]).toEqual([0.25, 1]);
  });
  it('attributes a lost request from the packet trail: where its SYN died and why', () => {
    const client = Object.keys(model.hosts)[0]!;
    const spine = target.ecmpRouters[0]!;
    const syn = (t: number, node: string, dir: 'In' | 'Out') => ({
      t,
      node,
      dev: 'eth1',
      dir,
      ttl: 64,
      ipId: 1,
      src: target.clientAddress[client]!,
      dst: target.vip,
      kind: 'syn' as const,
      sport: 20001,
      dport: target.service.port,
    });
    const lostRun: DrainRun = {
      ...run,
      probes: { [client]: [{ ...rec(3500, false), sport: 20001 }] },
      trail: { packets: [syn(3501, client, 'Out'), syn(3502, spine, 'In')], gaps: {} },
      fibAt: (r, t) => (r === spine && t > 3400 ? [] : ['10.0.0.1']),
    };
    const [loss] = drainFindings(lostRun, target, model).maintenance.lost;
    expect(loss).toMatchObject({ client, verdict: 'black-hole', where: spine, ms: 300 });
    expect(loss!.detail).toMatch(new RegExp(`died at ${spine} at 2\\.502 s: no route to the VIP there`));
    // A trail that lacks the client's own SYN is a gap, never a network loss's evidence.
    const blind = drainFindings({ ...lostRun, trail: { packets: [], gaps: {} } }, target, model);
    expect(Object.keys(blind.gaps)).toEqual([client]);
    expect(blind.maintenance.lost[0]!.verdict).toBe('unknown');
    // The report's metric names the causes.
    expect(causesOf([loss!, loss!, blind.maintenance.lost[0]!])).toBe(` (black-hole at ${spine} ×2, unknown ×1)`);
    expect(causesOf([])).toBe('');
  });
  it('a request the drained cluster answered after the drain settled is named', () => {
    const late = { ...run, probes: { client: [rec(3600, true, 'cluster01')] } };
    expect(drainFindings(late, target, model).maintenance.toDrained).toHaveLength(1);
  });
  it("a drain's own commands take the injection's place in its budget only when they took longer", () => {
    const budget = { seconds: 0.48, formula: 'f', injection: { seconds: 0.33, formula: 'inj' } };
    // Within the injection's band: the withdrawal's budget as it is.
    expect(stepBudget(budget, 0.2)).toEqual({ seconds: 0.48, formula: 'f' });
    expect(stepBudget(budget, undefined)).toEqual({ seconds: 0.48, formula: 'f' });
    // A slower command: the fabric keeps its 0.15 s, the tool's part is what was measured, and the formula says so.
    const slow = stepBudget(budget, 0.41);
    expect(slow.seconds).toBeCloseTo(0.56, 9);
    expect(slow.formula).toMatch(/0\.410 s, measured\) in place of the injection/);
    // A provider whose budget holds no injection keeps its budget whatever the command took.
    expect(stepBudget({ seconds: 0.48, formula: 'f' }, 2)).toEqual({ seconds: 0.48, formula: 'f' });
  });
  it("records the commands' time and the budget each step was held to", () => {
    const timed = {
      ...run,
      tApplied: 1420,
      tLiftApplied: 5100,
      budget: { ...run.budget, injection: { seconds: 0.2, formula: 'inj' } },
    };
    const f = drainFindings(timed, target, model);
    expect([f.drain.commandSeconds, f.drain.allowed?.seconds]).toEqual([0.42, 0.72]);
    expect([f.lift.commandSeconds, f.lift.allowed?.seconds]).toEqual([0.1, 0.5]);
  });
  it("a router drain adds FRR's announce timer: 100 ms for a peer alone in its subgroup, 500 ms shared or unread", () => {
    expect(announceAllowance([])).toBeUndefined();
    expect(announceAllowance([{ router: 'leaf2', peers: 1 }])?.seconds).toBe(0.1);
    const shared = announceAllowance([
      { router: 'leaf2', peers: 1 },
      { router: 'leaf3', peers: 2 },
    ]);
    expect([shared?.seconds, shared?.formula]).toEqual([0.5, expect.stringMatching(/leaf3: 2 peers share/)]);
    expect(announceAllowance([{ router: 'leaf2' }])?.formula).toMatch(/leaf2: its update subgroup not read/);
    const b = stepBudget({ seconds: 0.48, formula: 'f' }, 0.2, { seconds: 0.1, formula: 'announce' });
    expect([b.seconds, b.formula]).toEqual([0.58, 'f, + announce']);
  });
});
