/**
 * Where a fault's times start (helpers/experiment/fault-effect.ts), on the seed's model: at the
 * victim's UPDATE, at its interfaces' change, at its speaker's socket closing; from the command
 * (with the provider's path in the budget) when the effect is not in the evidence; and the real
 * lab's control plane judged on its own while the harness's path is not.
 */
import { describe, expect, it } from 'vitest';
import { faultSpec, fromCommand, PER_HOP_SECONDS } from '../../helpers/faults/budgets.js';
import { fabricFacts, faultTarget } from '../../helpers/faults/fault-target.js';
import { faultInterfaces, phaseAnchor, type AnchorEvidence } from '../../helpers/experiment/fault-effect.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { BgpMessage, BgpSegment } from '../../helpers/observe/bgp-messages.js';
import type { LinkChange } from '../../helpers/observe/route-events.js';
import type { Allowance, FaultKind } from '../../helpers/providers/api/lab-handle.js';
import { gobgpBehaviour } from '../../helpers/runtimes/gobgp-behaviour.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const target = faultTarget({ model });
const { victim, vip } = target;
const leaf = target.session.a.node;
const T = 1_000_000;
const gr = { holdSeconds: 9, gracefulRestart: true, nBit: true, restartSeconds: 15 };
const injection: Allowance = { seconds: 0.3, formula: 'the command reaching the speaker ≤ 300 ms' };

function evidence(
  kind: FaultKind,
  over: Partial<AnchorEvidence> = {},
  provider: Allowance = injection,
): AnchorEvidence {
  const spec = faultSpec(kind, gr, target.session.speakerPeer!, target.hops, gobgpBehaviour('3.36.0'), {
    detect: provider,
    failBack: provider,
    fabric: fabricFacts(model, leaf),
  });
  return {
    kind,
    spec,
    nodes: [victim],
    tFault: T,
    tInjected: T + 150,
    tRestore: T + 5000,
    tRestored: T + 5150,
    links: [],
    bgp: { messages: [], segments: [], gaps: {} },
    ...over,
  };
}

const update = (t: number, node: string, withdrawn: string[], announced: string[] = []): BgpMessage => ({
  t: T + t,
  node,
  dev: 'eth0',
  dir: 'Out',
  src: target.session.b.address,
  dst: target.session.a.address,
  type: 'UPDATE',
  withdrawn,
  announced,
});

describe('vip-withdrawn: timed from the victim UPDATE on the wire', () => {
  const bgp = {
    messages: [
      update(40, leaf, [`${vip}/32`]),
      update(120, victim, [`${vip}/32`]),
      update(5090, victim, [], [`${vip}/32`]),
    ],
    segments: [],
    gaps: {},
  };

  it('the move from the withdrawal, the fail-back from the re-advertisement; the budget without the command path', () => {
    const ev = evidence('vip-withdrawn', { bgp });
    const d = phaseAnchor(model, target, ev, 'detect', T + 300);
    expect(d).toMatchObject({ t: T + 120, effect: true, commandS: 0.12 });
    expect(d.seen).toMatch(new RegExp(`^${victim}'s UPDATE for ${vip}/32 on the wire`));
    expect(d.budget.seconds).toBeCloseTo(target.hops * PER_HOP_SECONDS, 9);
    // The harness's own path is recorded, never judged.
    expect(d.controlPlane).toBeUndefined();
    const b = phaseAnchor(model, target, ev, 'failBack', T + 5300);
    expect(b).toMatchObject({ t: T + 5090, effect: true });
  });

  it('missing evidence is never a pass: no capture, a capture gap, no UPDATE, or one after the phase ended: timed from the command, with its path in the budget', () => {
    const cases: [Partial<AnchorEvidence>, number | undefined, RegExp][] = [
      [{ bgp: undefined }, undefined, /no BGP capture/],
      [{ bgp: { ...bgp, gaps: { [victim]: 'tcpdump: 3 packets dropped by kernel' } } }, undefined, /incomplete/],
      [{ bgp: { ...bgp, messages: [] } }, undefined, /no UPDATE for/],
      [{ bgp }, T + 100, /came after the phase ended/],
    ];
    for (const [over, until, why] of cases) {
      const ev = evidence('vip-withdrawn', over);
      const d = phaseAnchor(model, target, ev, 'detect', until);
      expect(d.t).toBe(T);
      expect(d.effect).toBe(false);
      expect(d.seen).toMatch(why);
      expect(d.budget).toEqual(fromCommand(ev.spec, 'detect'));
      expect(d.budget.seconds).toBeCloseTo(target.hops * PER_HOP_SECONDS + injection.seconds, 9);
    }
  });

  it('every VIP at once (suite 7): the first UPDATE for any of them, never one for a VIP not withdrawn', () => {
    const other = '172.30.9.9';
    const many = {
      messages: [
        update(60, victim, [`${other}/32`]),
        update(90, victim, ['172.30.0.77/32']),
        update(130, victim, [`${vip}/32`]),
      ],
      segments: [],
      gaps: {},
    };
    const d = phaseAnchor(
      model,
      target,
      evidence('vip-withdrawn', { bgp: many, prefixes: [vip, '172.30.0.77'] }),
      'detect',
    );
    expect(d).toMatchObject({ t: T + 90, effect: true });
    expect(d.seen).toMatch(/UPDATE for any of 2 VIPs on the wire/);
  });

  it("the real lab's control plane (Cilium reconciling) is the system under test: its path is held to its own budget", () => {
    const cp: Allowance = { seconds: 2, formula: 'control plane ≤ 2 s', part: 'control-plane' };
    const d = phaseAnchor(model, target, evidence('vip-withdrawn', { bgp }, cp), 'detect');
    expect(d.controlPlane).toEqual({ seconds: 2, formula: 'control plane ≤ 2 s' });
    expect(d.commandS).toBeCloseTo(0.12, 9);
  });
});

describe('link faults: timed from the interfaces changing (ip monitor link)', () => {
  const link = (t: number, router: string, dev: string, down: boolean): LinkChange => ({ t: T + t, router, dev, down });

  it("node-link-down: the victim's own interface, down at the fault and up at the restore", () => {
    const [own] = faultInterfaces(model, target, { kind: 'node-link-down', nodes: [victim] });
    expect(own).toEqual({ node: victim, iface: model.k8sNodes[victim]!.iface });
    const links = [
      link(-500, own!.node, own!.iface, false),
      link(30, own!.node, own!.iface, true),
      link(5020, own!.node, own!.iface, false),
    ];
    const ev = evidence('node-link-down', { links });
    expect(phaseAnchor(model, target, ev, 'detect')).toMatchObject({ t: T + 30, effect: true, commandS: 0.03 });
    expect(phaseAnchor(model, target, ev, 'failBack')).toMatchObject({ t: T + 5020, effect: true });
  });

  it('uplink-down: every uplink must be seen, the earliest counts, never later than the command returned', () => {
    const ends = faultInterfaces(model, target, { kind: 'uplink-down', nodes: [victim] });
    expect(ends.length).toBeGreaterThan(0);
    const downs = ends.map((e, i) => link(40 + i, e.node, e.iface, true));
    expect(phaseAnchor(model, target, evidence('uplink-down', { links: downs }), 'detect')).toMatchObject({
      t: T + 40,
      effect: true,
    });
    // Stamped by `ip` as it read the event, after the command had returned: the return bounds it.
    const late = ends.map((e) => link(400, e.node, e.iface, true));
    expect(phaseAnchor(model, target, evidence('uplink-down', { links: late }), 'detect').t).toBe(T + 150);
    const none = phaseAnchor(model, target, evidence('uplink-down', { links: [] }), 'detect');
    expect(none).toMatchObject({ t: T, effect: false });
    expect(none.seen).toMatch(/no link down seen on/);
  });
});

describe('speaker-crash and silent-drop', () => {
  const seg = (t: number, flags: BgpSegment['flags'], dst = target.session.a.address): BgpSegment => ({
    t: T + t,
    node: victim,
    dir: 'Out',
    src: target.session.b.address,
    dst,
    flags,
  });

  it("speaker-crash: the move from the victim's FIN or RST to its leaf; the fail-back from the restore's command (a process starts)", () => {
    const ev = evidence('speaker-crash', {
      bgp: { messages: [], segments: [seg(-100, 'SYN'), seg(12, 'FIN')], gaps: {} },
    });
    const d = phaseAnchor(model, target, ev, 'detect');
    expect(d).toMatchObject({ t: T + 12, effect: true });
    expect(d.seen).toMatch(new RegExp(`FIN to ${leaf}`));
    const b = phaseAnchor(model, target, ev, 'failBack');
    expect(b).toMatchObject({ t: T + 5000, effect: false });
    expect(b.seen).toMatch(/new speaker process/);
  });

  it("silent-drop: nothing to see, timed from the command, its budget plus the command's round trip (the effect lies within it)", () => {
    const ev = evidence('silent-drop');
    const d = phaseAnchor(model, target, ev, 'detect');
    expect(d).toMatchObject({ t: T, effect: false });
    expect(d.seen).toMatch(/leaves nothing the instruments see/);
    expect(d.budget.seconds).toBeCloseTo(fromCommand(ev.spec, 'detect').seconds + 0.15, 9);
    expect(d.budget.formula).toMatch(/\+ the command's round trip 150 ms \(measured/);
    expect(phaseAnchor(model, target, ev, 'failBack').budget.seconds).toBeCloseTo(
      fromCommand(ev.spec, 'failBack').seconds + 0.15,
      9,
    );
  });

  it("a link fault whose change was not seen adds its command's round trip; a withdrawal and a crash's restore do not", () => {
    expect(phaseAnchor(model, target, evidence('node-link-down'), 'detect').budget.formula).toMatch(/round trip/);
    expect(
      phaseAnchor(model, target, evidence('vip-withdrawn', { bgp: undefined }), 'detect').budget.formula,
    ).not.toMatch(/round trip/);
    expect(phaseAnchor(model, target, evidence('speaker-crash'), 'failBack').budget.formula).not.toMatch(/round trip/);
  });
});
