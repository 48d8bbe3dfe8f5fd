import { describe, expect, it } from 'vitest';
import {
  coalesceBudget,
  faultSpec,
  fromCommand,
  PER_HOP_SECONDS,
  SPEAKER_START,
} from '../../helpers/faults/budgets.js';
import { reconnectAllowance } from '../../helpers/faults/hop-allowance.js';
import { fabricFacts, providerAllowances } from '../../helpers/faults/fault-target.js';
import { injectionAllowance } from '../../helpers/faults/hop-allowance.js';

/** The seed's victim is 2 BGP hops from its ECMP router. */
const TWO_HOPS = 2 * PER_HOP_SECONDS;
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { gobgpBehaviour } from '../../helpers/runtimes/gobgp-behaviour.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { NetnsHandle } from '../../helpers/providers/netns/netns-provider.js';
import { ContainerlabHandle } from '../../helpers/providers/containerlab/containerlab-provider.js';
import {
  agentRestart,
  AGENT_BGP_START_SECONDS,
  CONTAINER_BACKOFF,
  CONTAINER_START_SECONDS,
  CONTROL_PLANE_SECONDS,
  DOCKER_EXEC_SECONDS,
  kubeletBackOff,
  PLEG_RELIST_SECONDS,
} from '../../helpers/providers/containerlab/real-lab-timing.js';
import type { FaultKind, LabHandle, SpeakerRestart } from '../../helpers/providers/api/lab-handle.js';
import type { LabRuntime } from '../../helpers/os/run-state.js';

const peer = loadLabModel({ root: PROJECT_ROOT }).clusters.cluster01!.speakers.cluster01!.peers[0]!;
const gr = { holdSeconds: 9, gracefulRestart: true, nBit: true, restartSeconds: 15 };

describe('failover budgets follow the GoBGP version and the negotiated session', () => {
  it('a crashed speaker fails back after its start plus its first dial: [1,2) s on 3.36, [5,10) s on 3.10', () => {
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.seconds).toBeCloseTo(
      SPEAKER_START.seconds + 2 + TWO_HOPS,
      9,
    );
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.10.0')).failBack.seconds).toBeCloseTo(
      SPEAKER_START.seconds + 10 + TWO_HOPS,
      9,
    );
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('4.8.0')).failBack.formula).toMatch(
      /first dial ≤ 2 s/,
    );
  });

  it('after a hold-timer fault: a hanging dial plus the longest retry wait, per version', () => {
    expect(faultSpec('silent-drop', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.seconds).toBeCloseTo(
      4 + 10 + TWO_HOPS,
      9,
    );
    expect(faultSpec('silent-drop', gr, peer, 2, gobgpBehaviour('4.8.0')).failBack.seconds).toBeCloseTo(
      4 + 5 + TWO_HOPS,
      9,
    );
  });

  it('with graceful restart the fabric may not move before the restart time (a crash) or hold − keepalive + restart (hold expiry)', () => {
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.36.0')).notBefore?.seconds).toBe(15);
    expect(faultSpec('node-link-down', gr, peer, 2, gobgpBehaviour('3.36.0')).notBefore?.seconds).toBe(
      9 - peer.keepaliveSeconds + 15,
    );
    expect(
      faultSpec('speaker-crash', { ...gr, gracefulRestart: false }, peer, 2, gobgpBehaviour('3.36.0')).notBefore,
    ).toBeUndefined();
    expect(faultSpec('vip-withdrawn', gr, peer, 2, gobgpBehaviour('3.36.0')).notBefore).toBeUndefined();
  });
});

describe('timings with a random wait', () => {
  it('carry the width of that wait, so run-to-run jitter is not a regression', () => {
    expect(faultSpec('silent-drop', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.jitterSeconds).toBe(4 + 10);
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.jitterSeconds).toBe(1);
    expect(faultSpec('node-link-down', gr, peer, 2, gobgpBehaviour('3.36.0')).detect.jitterSeconds).toBe(
      peer.keepaliveSeconds,
    );
    expect(faultSpec('vip-withdrawn', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.jitterSeconds).toBeUndefined();
  });
});

describe('speaker crash: the expected outcome follows what restarts the speaker, per provider', () => {
  const model = loadLabModel({ root: PROJECT_ROOT });
  const v337 = gobgpBehaviour('3.37.0');
  const now = new Date('2026-01-01T00:10:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  const outcome = (restart: SpeakerRestart, session = gr) =>
    faultSpec('speaker-crash', session, peer, 2, v337, { speakerRestart: restart }).outcome!;

  it('netns: nothing restarts the emulated speaker before the restore → the fabric moves after the GR restart time', async () => {
    const netns = new NetnsHandle(model, {
      suite: 'trixie',
      root: '/nonexistent',
      frr: '10.3',
      gobgp: '3.36.0',
    } as unknown as LabRuntime);
    const restart = await netns.speakerRestart();
    expect(restart.withinSeconds).toBeUndefined();
    const o = outcome(restart);
    expect(o.kind).toBe('fabric-moves');
    expect(o.why).toMatch(/not back before the restore/);
    // …and the budgets are exactly the emulation's: moves after 15 s, not before.
    const handle: LabHandle = netns;
    const spec = faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.36.0'), {
      detect: handle.detectAllowance?.('speaker-crash'),
      failBack: handle.failBackAllowance?.('speaker-crash'),
      speakerRestart: restart,
    });
    expect(spec.detect.seconds).toBeCloseTo(15 + TWO_HOPS, 9);
    expect(spec.notBefore?.seconds).toBe(15);
    expect(spec.failBack.seconds).toBeCloseTo(SPEAKER_START.seconds + 2 + TWO_HOPS, 9);
  });

  it('containerlab, first crash of the agent: kubelet restarts it at once, it redials within the GR restart time → the fabric holds', () => {
    const r = agentRestart({ restartCount: 0 }, now, v337);
    expect(r.withinSeconds).toBe(PLEG_RELIST_SECONDS + 0 + CONTAINER_START_SECONDS + AGENT_BGP_START_SECONDS + 2);
    expect(r.formula).toMatch(/restart back-off 0 s \(first restart/);
    const o = outcome(r);
    expect(o.kind).toBe('fabric-holds');
    expect(o.speakerBack?.seconds).toBe(15);
    // A back-off entry that expired (last restart > 2 × 300 s ago) is a first restart again.
    expect(outcome(agentRestart({ restartCount: 2, lastFinishedAt: ago(700) }, now, v337)).kind).toBe('fabric-holds');
  });

  it('containerlab, the agent restarted recently: CrashLoopBackOff delays it past the restart time → the fabric moves', () => {
    const r = agentRestart({ restartCount: 1, lastFinishedAt: ago(60) }, now, v337);
    expect(kubeletBackOff({ restartCount: 1, lastFinishedAt: ago(60) }, now).seconds).toBe(
      CONTAINER_BACKOFF.initialSeconds,
    );
    expect(kubeletBackOff({ restartCount: 3, lastFinishedAt: ago(60) }, now).seconds).toBe(40);
    expect(kubeletBackOff({ restartCount: 9, lastFinishedAt: ago(60) }, now).seconds).toBe(
      CONTAINER_BACKOFF.maxSeconds,
    );
    expect(outcome(r).kind).toBe('fabric-moves');
  });

  it('containerlab with a shorter GR restart time, or none, moves too', () => {
    const r = agentRestart({ restartCount: 0 }, now, v337);
    expect(outcome(r, { ...gr, restartSeconds: 10 }).kind).toBe('fabric-moves');
    expect(outcome(r, { ...gr, gracefulRestart: false }).why).toMatch(/no graceful restart/);
  });

  it("the containerlab handle derives its figure from the agent pod's restart history", async () => {
    class Handle extends ContainerlabHandle {
      override async agentHistory() {
        return { restartCount: 0 };
      }
    }
    const h = new Handle(model, { run: (async () => ({ stdout: '', stderr: '', exitCode: 0 })) as never });
    const r = await h.speakerRestart('cluster01', v337);
    expect(outcome(r).kind).toBe('fabric-holds');
    // The crash's fail-back allowance (used only when the fabric moves) is the same figure.
    expect(h.failBackAllowance('speaker-crash')?.seconds).toBe(r.withinSeconds);
  });
});

describe("each provider's own path is kept apart from the budget, and counted when timed from the command", () => {
  const model = loadLabModel({ root: PROJECT_ROOT });
  const containerlab = new ContainerlabHandle(model, {
    run: (async () => ({ stdout: '', stderr: '', exitCode: 0 })) as never,
  });
  const netns = new NetnsHandle(model, {
    suite: 'trixie',
    root: '/nonexistent',
    frr: '10.3',
    gobgp: '3.36.0',
  } as unknown as LabRuntime);
  const spec = (h: LabHandle, kind: FaultKind) =>
    faultSpec(kind, gr, peer, 2, gobgpBehaviour('3.37.0'), providerAllowances(h, kind));

  it('VIP withdrawn: from the UPDATE, two hops on either provider; from the command, containerlab adds its control plane, netns its measured injection', () => {
    const inj = injectionAllowance();
    const n = spec(netns, 'vip-withdrawn');
    expect(n.detect.seconds).toBeCloseTo(TWO_HOPS, 9);
    expect(n.command.detect).toMatchObject({ seconds: inj.seconds, part: 'harness' });
    expect(fromCommand(n, 'detect').seconds).toBeCloseTo(TWO_HOPS + inj.seconds, 9);
    expect(fromCommand(n, 'detect').formula).toMatch(
      /^2 hops × \d+ ms \+ the command reaching the speaker ≤ \d+ ms \(max .* runs, 2 cores/,
    );
    expect(fromCommand(n, 'failBack').seconds).toBeCloseTo(TWO_HOPS + inj.seconds, 9);
    const c = spec(containerlab, 'vip-withdrawn');
    expect(c.detect.seconds).toBeCloseTo(TWO_HOPS, 9);
    // Cilium's reconcile is the system under test, not the harness: judged on its own once the UPDATE is seen.
    expect(c.command.detect).toMatchObject({ seconds: CONTROL_PLANE_SECONDS, part: 'control-plane' });
    expect(fromCommand(c, 'detect').seconds).toBeCloseTo(TWO_HOPS + CONTROL_PLANE_SECONDS, 9);
    expect(fromCommand(c, 'detect').formula).toMatch(
      /^2 hops × \d+ ms \+ control plane ≤ 2 s \(API delete → agent watch → BGP reconcile → GoBGP withdraw/,
    );
    expect(fromCommand(c, 'failBack').seconds).toBeCloseTo(TWO_HOPS + CONTROL_PLANE_SECONDS, 9);
    expect(fromCommand(c, 'failBack').formula).toMatch(/API apply/);
  });

  it('the node faults: from the command, containerlab adds its docker exec commands (the harness); netns nothing', () => {
    for (const kind of ['node-link-down', 'silent-drop'] as const) {
      expect(spec(containerlab, kind).detect.seconds, kind).toBe(spec(netns, kind).detect.seconds);
      expect(spec(containerlab, kind).command.detect?.part, kind).toBe('harness');
      expect(fromCommand(spec(containerlab, kind), 'detect').seconds - spec(netns, kind).detect.seconds, kind).toBe(
        2 * DOCKER_EXEC_SECONDS,
      );
      expect(fromCommand(spec(containerlab, kind), 'failBack').seconds).toBeGreaterThan(
        fromCommand(spec(netns, kind), 'failBack').seconds,
      );
      expect(fromCommand(spec(netns, kind), 'failBack').formula, kind).not.toMatch(/docker exec/);
    }
  });
});

describe('a fault on the fabric side of the victim (uplink-down)', () => {
  const model = loadLabModel({ root: PROJECT_ROOT });

  it("finds the seed's leaf2, the spine above it, and the spine's longest coalesce time (3 peers, up to 6 peer structs: 1.30 s)", () => {
    const f = fabricFacts(model, 'leaf2');
    expect(f.upstream).toEqual(['spine']);
    expect(f.coalesce.seconds).toBeCloseTo(1.3, 6);
    expect(f.coalesce.formula).toMatch(/spine's update-group coalesce time/);
  });

  it('coalesce time: 1 s + 50 ms per peer struct (up to two per configured peer), at most 10 s (FRR bgpd heuristic)', () => {
    expect(coalesceBudget('r', 0).seconds).toBe(1);
    expect(coalesceBudget('r', 10).seconds).toBe(2);
    expect(coalesceBudget('r', 500).seconds).toBe(10);
  });

  it('detects with no timer, and fails back after the re-opened session, the coalesce time and the hops above the leaf', () => {
    const spec = faultSpec('uplink-down', gr, peer, 2, gobgpBehaviour('3.36.0'), {
      fabric: fabricFacts(model, 'leaf2'),
    });
    expect(spec.detect.seconds).toBeCloseTo(PER_HOP_SECONDS, 9);
    expect(spec.failBack.seconds).toBeCloseTo(reconnectAllowance().seconds + 1.3 + PER_HOP_SECONDS, 6);
    expect(spec.failBack.formula).toMatch(/the session re-opened ≤ \d+ ms \(max/);
    expect(spec.dataPlaneAlive).toBe(false);
  });
});
