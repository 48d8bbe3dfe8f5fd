/**
 * The upgrade rehearsal's plan (helpers/faults/upgrades.ts) on the seed lab: the steps and the
 * refusal of a name that is no router or cluster, the graceful-restart overlay on FRR's files,
 * and each step's predicted case and bound per strategy; the degraded-ECMP replay of the
 * findings (helpers/experiment/rehearsal-findings.ts); the report's table and its failures
 * (helpers/report/rehearsal-report.ts); and the CLI's refusals before any lab comes up.
 */
import { describe, expect, it } from 'vitest';
import { faultTarget } from '../../helpers/faults/fault-target.js';
import { grOverlay } from '../../helpers/faults/gr-overlay.js';
import { clientGateway, predictStep, upgradeSteps, type UpgradeStrategy } from '../../helpers/faults/upgrades.js';
import { degradedSeconds, lostAfterStart, withdrawnAtStop } from '../../helpers/experiment/rehearsal-findings.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { RouteChange } from '../../helpers/observe/route-monitor.js';
import { rehearsalMarkdown, rehearsalProblems } from '../../helpers/report/rehearsal-report.js';
import type { StrategyResult } from '../../helpers/experiment/rehearse.js';
import { cli } from '../support/cli-run.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const target = faultTarget({ model });
const step = (name: string) => upgradeSteps(model, name)[0]!;
const predict = (name: string, strategy: UpgradeStrategy, gobgp = '3.36.0', fibWithdrawnAtStop = false) =>
  predictStep({
    fibWithdrawnAtStop,
    model,
    target,
    step: step(name),
    strategy,
    client: 'client',
    restartSeconds: 2,
    gobgpAtStart: { cluster01: gobgp, cluster02: gobgp },
    gobgpTo: '4.8.0',
    probeIntervalMs: 10,
  });

describe('rehearsal steps', () => {
  it('by default every router in topology order, then every cluster with its speaker nodes', () => {
    expect(upgradeSteps(model).map((s) => `${s.kind} ${s.name} [${s.nodes.join(' ')}]`)).toEqual([
      'router leaf1 [leaf1]',
      'router spine [spine]',
      'router leaf2 [leaf2]',
      'router leaf3 [leaf3]',
      'cluster cluster01 [cluster01]',
      'cluster cluster02 [cluster02]',
    ]);
  });
  it('--order picks and orders them; a name that is neither, or named twice, is refused naming the choices', () => {
    expect(upgradeSteps(model, 'cluster02, spine').map((s) => s.name)).toEqual(['cluster02', 'spine']);
    expect(() => upgradeSteps(model, 'spine,client')).toThrow(
      /"client" is no router or cluster .*routers: leaf1, spine, leaf2, leaf3/,
    );
    expect(() => upgradeSteps(model, 'spine,spine')).toThrow(/spine named twice/);
  });
});

describe('the graceful-restart overlay', () => {
  it('adds graceful restart with the forwarding state under router bgp, and zebra -r -K, bgpd -K to the daemons file', () => {
    const o = grOverlay(
      'hostname x\nrouter bgp 65001\n neighbor 1.2.3.4 remote-as 2\nexit\n',
      'bgpd=yes\nzebra_options="-A 127.0.0.1"\n',
    );
    expect(o.frrConf).toBe(
      'hostname x\nrouter bgp 65001\n bgp graceful-restart\n bgp graceful-restart preserve-fw-state\n neighbor 1.2.3.4 remote-as 2\nexit\n',
    );
    expect(o.daemons).toBe('bgpd=yes\nzebra_options="-A 127.0.0.1 -r -K 120"\nbgpd_options="-K"\n');
  });
  it('refuses a config without a default BGP instance', () => {
    expect(() => grOverlay('hostname x\n', '')).toThrow(/no "router bgp <asn>"/);
  });
});

describe('each step’s predicted case on the seed (client behind leaf1)', () => {
  it('the client enters at leaf1', () => expect(clientGateway(model, 'client')).toBe('leaf1'));
  it('plain: leaf1 and the spine cut the client off for their restart and the way back; a cluster leaf moves the fabric; a node is held by graceful restart', () => {
    const spine = predict('spine', 'plain');
    expect(spine.case).toBe('cut');
    // restart 2 s + re-open + 3 routers × (spine's coalesce 1.3 s + a hop): the bound grows with the restart.
    expect(spine.windowSeconds).toBeGreaterThan(2 + 3 * 1.3);
    expect(spine.maxLost).toBe(Math.ceil(spine.windowSeconds * 100) + 1);
    expect(predict('leaf1', 'plain').case).toBe('cut');
    expect(predict('leaf2', 'plain').case).toBe('moves');
    expect(predict('cluster01', 'plain')).toMatchObject({ case: 'held', maxLost: 0 });
  });
  it('node-clean-stop: a GoBGP that sends its Cease as a Hard Reset moves the fabric; 3.10 (no Hard Reset) is held by the N-bit', () => {
    expect(predict('cluster01', 'node-clean-stop').case).toBe('moves');
    expect(predict('cluster01', 'node-clean-stop', '3.10.0')).toMatchObject({ case: 'held', maxLost: 0 });
  });
  it('graceful-restart: leaf1 and the spine hold, but for a neighbour swapping the stale path; a cluster leaf may reselect until its speaker redials', () => {
    expect(predict('spine', 'graceful-restart')).toMatchObject({ case: 'stale-swept' });
    // One hop's swap at a neighbour: ⌈77 ms / 10 ms⌉ + 1.
    expect(predict('spine', 'graceful-restart').maxLost).toBeLessThan(12);
    const leaf2 = predict('leaf2', 'graceful-restart');
    expect(leaf2.case).toBe('reselects');
    // GoBGP 3.36: idle hold 5 s + first dial < 2 s.
    expect(leaf2.formula).toMatch(/idle hold 5 s/);
    expect(leaf2.windowSeconds).toBeGreaterThan(7);
  });
  it('graceful-restart, when FRR’s stop withdrew the router’s routes: the cut bound, plus its speakers’ way back on a cluster leaf', () => {
    const spine = predict('spine', 'graceful-restart', '3.36.0', true);
    expect(spine).toMatchObject({ case: 'cut', why: expect.stringMatching(/^FRR's service stop withdrew/) });
    expect(spine.windowSeconds).toBeCloseTo(predict('spine', 'plain').windowSeconds, 6);
    const leaf2 = predict('leaf2', 'graceful-restart', '3.36.0', true);
    expect(leaf2.case).toBe('cut');
    expect(leaf2.formula).toMatch(/restart 2\.000 s \+ idle hold 5 s/);
    expect(leaf2.windowSeconds).toBeGreaterThan(spine.windowSeconds + 5);
  });
});

describe('FRR’s stop race, from the route monitor', () => {
  const timing = { stopAt: 1000, stoppedAt: 1500, startedAt: 3000, from: 'FRR 10.3', to: 'FRR 10.3' };
  const run = {
    step: step('leaf1'),
    t0: 1000,
    gobgpAtStart: {},
    restarts: [{ node: 'leaf1', stop: 'clean' as const, timing, peersSaw: {} }],
    sessionProblems: [],
  };
  const gone = (t: number, router = 'leaf1', prefix = '172.30.0.10'): RouteChange => ({
    t,
    router,
    prefix,
    nextHops: [],
    source: 'event',
  });
  it('the router’s own VIP route gone between the stop sent and the old FRR gone: withdrawn at stop', () => {
    expect(withdrawnAtStop([gone(1200)], '172.30.0.10', run)).toEqual(['leaf1']);
  });
  it('gone after the new FRR started: said with when and for how long, as evidence beside a step over its bound', () => {
    const back: RouteChange = { ...gone(4500), nextHops: ['10.0.1.1'] };
    expect(lostAfterStart([gone(1200), gone(4000), back], '172.30.0.10', run, 9000)).toEqual([
      "leaf1's new FRR took its route for the VIP out of its kernel 1.00 s after it started; back 0.50 s later",
    ]);
    expect(lostAfterStart([gone(4000)], '172.30.0.10', run, 9000)[0]).toMatch(/had none at the step's end/);
  });
  it('gone after the new FRR started, at another router, or another prefix: not this race', () => {
    expect(
      withdrawnAtStop([gone(2000), gone(1200, 'spine'), gone(1200, 'leaf1', '10.0.0.0/8')], '172.30.0.10', run),
    ).toEqual([]);
  });
});

describe('a router with route-maps opens its sessions after its route-map delay timer', () => {
  it('the datacenter example: a cut router’s window adds FRR’s 5 s default', () => {
    const dc = loadLabModel({ root: `${PROJECT_ROOT}/examples/datacenter`, topologyFile: 'containerlab/dc.clab.yml' });
    const p = predictStep({
      model: dc,
      target: faultTarget({ model: dc }),
      step: upgradeSteps(dc, 'spine')[0]!,
      strategy: 'plain',
      client: 'client',
      restartSeconds: 2,
      gobgpAtStart: {},
      gobgpTo: '4.8.0',
      probeIntervalMs: 10,
    });
    expect(p.case).toBe('cut');
    expect(p.formula).toMatch(/its route-map delay timer 5 s/);
    expect(p.windowSeconds - predict('spine', 'plain').windowSeconds).toBeCloseTo(5, 1);
  });
  it('`bgp route-map delay-timer 0` is read, and a bad value is refused by line', async () => {
    const { parseFrrConfigText } = await import('../../helpers/model/frr-config.js');
    const problems: { message: string }[] = [];
    const sink = {
      add: (p: { message: string }) => problems.push(p),
      push: (p: { message: string }) => problems.push(p),
    };
    expect(parseFrrConfigText('bgp route-map delay-timer 0\n', 'x.conf', sink as never).routeMapDelaySeconds).toBe(0);
    parseFrrConfigText('bgp route-map delay-timer soon\n', 'x.conf', sink as never);
    expect(JSON.stringify(problems)).toMatch(/delay-timer <0-600>/);
  });
});

describe('seconds of a degraded ECMP set', () => {
  const full = new Map([['spine', ['10.0.2.11', '10.0.3.11']]]);
  const at = (t: number, hops: string[]): RouteChange => ({
    t,
    router: 'spine',
    prefix: '172.30.0.10',
    nextHops: hops,
    source: 'event',
  });
  it('sums the spans where a meeting point held fewer next hops, clipped to the window', () => {
    const fib = [
      at(1000, ['10.0.3.11']),
      at(1500, ['10.0.2.11', '10.0.3.11']),
      at(3000, []),
      at(4000, ['10.0.3.11', '10.0.2.11']),
    ];
    expect(degradedSeconds(fib, '172.30.0.10', full, 0, 10_000)).toBeCloseTo(1.5);
    expect(degradedSeconds(fib, '172.30.0.10', full, 1200, 3500)).toBeCloseTo(0.8);
  });
  it('a span still open at the window’s end counts to the end', () => {
    expect(degradedSeconds([at(1000, ['10.0.3.11'])], '172.30.0.10', full, 0, 2000)).toBeCloseTo(1);
  });
});

describe('the rehearsal report', () => {
  const result = (lost: number): StrategyResult => {
    const s = step('cluster01');
    const prediction = predict('cluster01', 'plain');
    return {
      strategy: 'plain',
      versions: { runtime: 'trixie', frr: '10.3', gobgp: '3.36.0' },
      findings: {
        harness: [],
        steps: [
          {
            run: { step: s, t0: 0, gobgpAtStart: {}, restarts: [], sessionProblems: [] },
            from: 0,
            to: 1000,
            clients: [{ client: 'client', requests: 100, lost, prediction }],
            broken: [],
            degradedSeconds: 0,
            blackHoles: [],
            fibWithdrawnAtStop: [],
            overBound:
              lost > prediction.maxLost ? [`cluster01: client lost ${lost} requests, over the held bound of 0`] : [],
          },
        ],
      },
    };
  };
  it('a step within its bound: a table row that says so, no failure', () => {
    expect(rehearsalProblems(result(0))).toEqual([]);
    expect(rehearsalMarkdown([result(0)], 'trixie', 'sid')).toMatch(
      /\| cluster01 \|.*client 0 \(≤ 0, held\).*\| yes \|/,
    );
  });
  it('a step over its bound fails naming the strategy, the step and the bound', () => {
    expect(rehearsalProblems(result(3))).toEqual([
      'plain, step cluster01: client lost 3 requests, over the held bound of 0',
    ]);
    expect(rehearsalMarkdown([result(3)], 'trixie', 'sid')).toMatch(/\*\*no\*\*/);
  });
});

describe('anycast-verify rehearse refuses before any lab comes up', () => {
  it('an unknown strategy', async () => {
    const r = await cli('rehearse', '--from', 'trixie', '--to', 'sid', '--strategy', 'plain,fast');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--strategy: fast is not one of plain, graceful-restart, node-clean-stop/);
  });
  it('an order naming no router or cluster', async () => {
    const r = await cli('rehearse', '--from', 'trixie', '--to', 'sid', '--order', 'leaf9');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/"leaf9" is no router or cluster/);
  });
  it('a missing --to', async () => {
    const r = await cli('rehearse', '--from', 'trixie');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--to/);
  });
});
