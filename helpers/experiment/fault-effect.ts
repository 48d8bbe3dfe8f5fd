/**
 * Where a fault's times start: the moment the fault took effect as the lab's own instruments saw
 * it, not the moment the tool's command began. The command's own path (on the netns lab an
 * `ip netns exec` and a gobgp CLI process; on the real lab a docker exec) is the harness's
 * latency: it grows with the host's load and says nothing of the fabric. Measured on the 2-core
 * test host (docs/scenario-labs.md, 2026-12-04): vip-withdrawn's command took 122–189 ms to
 * reach the wire with the probes running and 131–478 ms with the held connections too, while
 * every FRR link of the chain kept its values; uplink-down's first FIB change came 27–54 ms
 * after its command began, almost all of its 77 ms one-hop budget.
 *
 * What shows the effect, per kind (FAULT_KINDS[kind].effect):
 * - `update`: the victim's first UPDATE for the VIP on the wire after the command (the BGP
 *   capture's kernel stamp), at the fault and at the restore;
 * - `link`: the fault's interfaces changing state (`ip -ts monitor link` in their namespaces,
 *   the route monitors': stamped as `ip` reads them, so never later than the command's return);
 *   every interface must be seen, and the earliest counts;
 * - `session-close`: the victim's FIN or RST to its leaf (the kernel closing a killed speaker's
 *   socket; the capture's stamp); the restore starts a process, timed from its command;
 * - `none`: timed from the command.
 *
 * Missing evidence is never a pass: when the effect was not seen (no capture, a capture gap on
 * the victim, a link event missing), the phase is timed from the command and held to the budget
 * with the provider's path in it (budgets.ts fromCommand), as it was before anchors existed.
 */
import { fromCommand, type Budget, type FaultSpec } from '../faults/budgets.js';
import type { FaultTarget } from '../faults/fault-target.js';
import type { LabModel } from '../model/lab-model.js';
import { uplinkEnds } from '../model/uplinks.js';
import { addressOwner } from '../model/expected-routes.js';
import type { BgpSeen } from './bgp-observer.js';
import type { LinkChange } from '../observe/route-events.js';
import { FAULT_KINDS, type FaultKind } from '../providers/api/fault-kinds.js';
import { cidr, firstAfter, touches } from './waterfall.js';

export type AnchoredPhase = 'detect' | 'failBack';

/** Where one phase is timed from, and what it is held to. */
export interface PhaseAnchor {
  /** Epoch ms: the effect when seen, else the command's start. */
  t: number;
  /** The effect was seen (false: timed from the command). */
  effect: boolean;
  /** What was seen, or why the command's start stands in for it. */
  seen: string;
  /** The budget the phase is held to from `t` (with the provider's path in it when timed from the command). */
  budget: Budget;
  /** The command's start to the effect (s), when seen: the provider's own path. */
  commandS?: number;
  /**
   * The provider's path, when it is the system under test's control plane (not the harness) and
   * the effect was seen: `commandS` is held to it as a claim of its own.
   */
  controlPlane?: Budget;
}

/** What of a fault timeline the anchors read. */
export interface AnchorEvidence {
  kind: FaultKind;
  spec: FaultSpec;
  nodes: string[];
  tFault: number;
  tInjected: number;
  tRestore: number;
  tRestored: number;
  links: LinkChange[];
  bgp?: BgpSeen;
  /** The VIPs the fault withdraws (default: the target's one); an UPDATE for any of them is its effect. */
  prefixes?: string[];
}

/** The phase's anchor (see the file's comment). `until`: the phase's end; an effect after it is not this fault's. */
export function phaseAnchor(
  model: LabModel,
  target: FaultTarget,
  ev: AnchorEvidence,
  phase: AnchoredPhase,
  until?: number,
): PhaseAnchor {
  const [tCmd, tReturned] = phase === 'detect' ? [ev.tFault, ev.tInjected] : [ev.tRestore, ev.tRestored];
  const seen = effectSeen(model, target, ev, phase, tCmd, tReturned);
  const effect = typeof seen === 'object' && (until === undefined || seen.t <= until) ? seen : undefined;
  if (!effect) {
    const why = typeof seen === 'string' ? seen : 'the effect seen came after the phase ended';
    return { t: tCmd, effect: false, seen: `the command (${why})`, budget: commandBudget(ev, phase, tReturned - tCmd) };
  }
  const path = ev.spec.command[phase];
  return {
    t: effect.t,
    effect: true,
    seen: effect.what,
    budget: ev.spec[phase],
    commandS: (effect.t - tCmd) / 1000,
    ...(path?.part === 'control-plane' ? { controlPlane: { seconds: path.seconds, formula: path.formula } } : {}),
  };
}

/**
 * A phase timed from its command: the budget from the effect plus the provider's path to it
 * (fromCommand), and, when the effect happens inside the command (a link set, nftables rules
 * committed, a process killed: it has happened by the time the command returns), the command's
 * measured round trip. The effect lies somewhere in that span, so the time from the command can
 * exceed the time from the effect by up to it: for a hold-timer fault, a keepalive that arrives
 * while the command runs starts the hold timer that much later. Measured 2026-12-05 on the 2-core
 * test host: silent-drop, timed from its command, moved after up to 24.153 s against 24.155 s
 * (`scripts/flake-loop.sh 7`, docs/failover.md). An UPDATE may leave after its command returns:
 * the provider's injection allowance covers it, not the round trip.
 */
function commandBudget(ev: AnchorEvidence, phase: AnchoredPhase, roundTripMs: number): Budget {
  const b = fromCommand(ev.spec, phase);
  const how = FAULT_KINDS[ev.kind].effect;
  const within = how === 'link' || how === 'none' || (how === 'session-close' && phase === 'detect');
  if (!within) return b;
  return {
    ...b,
    seconds: b.seconds + roundTripMs / 1000,
    formula: `${b.formula} + the command's round trip ${roundTripMs.toFixed(0)} ms (measured: the fault took effect within it)`,
  };
}

/** The effect's moment and what showed it, or why it was not seen. */
function effectSeen(
  model: LabModel,
  target: FaultTarget,
  ev: AnchorEvidence,
  phase: AnchoredPhase,
  tCmd: number,
  tReturned: number,
): { t: number; what: string } | string {
  const how = FAULT_KINDS[ev.kind].effect;
  switch (how) {
    case 'none':
      return `${ev.kind} leaves nothing the instruments see`;
    case 'session-close':
      return phase === 'detect' ? sessionClosed(model, target, ev, tCmd) : 'the restore starts a new speaker process';
    case 'update':
      return updateSent(target, ev, tCmd);
    case 'link':
      return linkChanged(model, target, ev, phase === 'detect', tCmd, tReturned);
  }
}

/** A capture that can show what the victims sent, or why not. */
function victimCapture(ev: AnchorEvidence): BgpSeen | string {
  if (!ev.bgp) return 'no BGP capture in this run';
  const gap = ev.nodes.find((n) => ev.bgp!.gaps[n] !== undefined);
  return gap ? `the capture on ${gap} is incomplete: ${ev.bgp.gaps[gap]}` : ev.bgp;
}

function updateSent(target: FaultTarget, ev: AnchorEvidence, tCmd: number): { t: number; what: string } | string {
  const bgp = victimCapture(ev);
  if (typeof bgp === 'string') return bgp;
  const prefixes = (ev.prefixes ?? [target.vip]).map(cidr);
  // The first UPDATE for any of them: the earliest the fault's effect can start.
  const sent = firstAfter(
    bgp.messages,
    tCmd,
    (m) => ev.nodes.includes(m.node) && m.dir === 'Out' && prefixes.some((p) => touches(m, p)),
  );
  const named = prefixes.length === 1 ? prefixes[0]! : `any of ${prefixes.length} VIPs`;
  return sent
    ? { t: sent.t, what: `${sent.node}'s UPDATE for ${named} on the wire` }
    : `no UPDATE for ${named} from ${ev.nodes.join(', ')} captured`;
}

function sessionClosed(
  model: LabModel,
  target: FaultTarget,
  ev: AnchorEvidence,
  tCmd: number,
): { t: number; what: string } | string {
  const bgp = victimCapture(ev);
  if (typeof bgp === 'string') return bgp;
  const leaf = target.session.a.node;
  const closed = firstAfter(
    bgp.segments,
    tCmd,
    (s) =>
      ev.nodes.includes(s.node) &&
      s.dir === 'Out' &&
      (s.flags === 'FIN' || s.flags === 'RST') &&
      addressOwner(model, s.dst) === leaf,
  );
  return closed
    ? { t: closed.t, what: `${closed.node}'s ${closed.flags} to ${leaf} on the wire (its speaker's socket closed)` }
    : `no FIN or RST from ${ev.nodes.join(', ')} to ${leaf} captured`;
}

/** The interfaces a link fault acts on: the victims' own, or the far ends of their leaf's uplinks. */
export function faultInterfaces(model: LabModel, target: FaultTarget, ev: Pick<AnchorEvidence, 'kind' | 'nodes'>) {
  if (FAULT_KINDS[ev.kind].acts === 'uplinks') return uplinkEnds(model, target.session.a.node);
  return ev.nodes.flatMap((n) => {
    const iface = model.k8sNodes[n]?.iface;
    return iface ? [{ node: n, iface }] : [];
  });
}

function linkChanged(
  model: LabModel,
  target: FaultTarget,
  ev: AnchorEvidence,
  down: boolean,
  tCmd: number,
  tReturned: number,
): { t: number; what: string } | string {
  const ifaces = faultInterfaces(model, target, ev);
  if (!ifaces.length) return `no interface of ${ev.kind} in the model`;
  const state = down ? 'down' : 'up';
  const seen = ifaces.map((i) => ({
    ...i,
    change: firstAfter(ev.links, tCmd, (l) => l.router === i.node && l.dev === i.iface && l.down === down),
  }));
  const unseen = seen.filter((s) => !s.change);
  if (unseen.length)
    return `no link ${state} seen on ${unseen.map((s) => `${s.node} ${s.iface}`).join(', ')} (ip monitor link)`;
  const first = seen.reduce((a, b) => (b.change!.t < a.change!.t ? b : a));
  // `ip` stamps an event as it reads it: the change itself happened before the command returned.
  return { t: Math.min(first.change!.t, tReturned), what: `${first.node} ${first.iface} ${state} (ip monitor link)` };
}
