/**
 * Every fault the lab can inject, what it does, and which fault suites run it. The fault suites
 * iterate this list, so a new kind is three edits: its entry here, its injection in the netns
 * provider (helpers/providers/netns/faults.ts; the containerlab provider refuses a kind it does
 * not build, by name, and the suites report it not verified there), and its budgets from the
 * timers (helpers/faults/budgets.ts).
 */

/** The suites that run faults: fresh connections and established ones (both suite 4: one run of a fault serves both, suites/fault-runs.ts). */
export type FaultSuite = 'failover' | 'held-connections';

export interface FaultKindInfo {
  title: string;
  suites: readonly FaultSuite[];
  /**
   * Where it acts: on the victim node, or on the links above the victim's leaf (the routers there
   * follow their own link, no UPDATE: helpers/experiment/waterfall.ts starts the chain with them).
   */
  acts: 'node' | 'uplinks';
  /**
   * How the fabric learns of it, which names the waterfall's first links and the gate's random
   * waits (helpers/report/random-waits.ts): `update`, the victim itself sends the change (the
   * command reaching it is the injection's latency); `hold-timer`, only its leaf's hold timer
   * finds it (the keepalive phase is a random wait; the fail-back starts with GoBGP's dial);
   * `restart`, its speaker is gone and the restore starts a new process (a `start` link, then
   * the dial); `link`, the routers above follow their own link.
   */
  seenBy: 'update' | 'hold-timer' | 'restart' | 'link';
  /**
   * What in the evidence shows the fault took effect, so that its budgets can start there and
   * not at the tool's command (helpers/experiment/fault-effect.ts): `update`, the victim's UPDATE
   * for the VIP on the wire (fault and restore); `link`, the fault's interfaces going down and up
   * (`ip monitor link`); `session-close`, the victim's FIN or RST to its leaf (the kernel closing a
   * killed speaker's socket; the restore starts a process, timed from its command); `none`,
   * nothing to see (nftables rules): timed from the command.
   */
  effect: 'update' | 'link' | 'session-close' | 'none';
}

export const FAULT_KINDS = {
  'vip-withdrawn': {
    title: 'VIP withdrawn by the cluster (advertisement removed)',
    suites: ['failover', 'held-connections'],
    acts: 'node',
    seenBy: 'update',
    effect: 'update',
  },
  'node-link-down': {
    title: "node's link down",
    suites: ['failover', 'held-connections'],
    acts: 'node',
    seenBy: 'hold-timer',
    effect: 'link',
  },
  'speaker-crash': {
    title: "node's BGP speaker crashes (SIGKILL, as a crashed cilium-agent)",
    suites: ['failover'],
    acts: 'node',
    seenBy: 'restart',
    effect: 'session-close',
  },
  'silent-drop': {
    title: 'node silently drops everything (nftables)',
    suites: ['failover'],
    acts: 'node',
    seenBy: 'hold-timer',
    effect: 'none',
  },
  'uplink-down': {
    title: "the node's leaf loses its uplinks (links down on the upstream routers' side)",
    suites: ['failover', 'held-connections'],
    acts: 'uplinks',
    seenBy: 'link',
    effect: 'link',
  },
} as const satisfies Record<string, FaultKindInfo>;

/** A fault, injected for one victim Kubernetes node (on the node, or on the fabric's side of its path). */
export type FaultKind = keyof typeof FAULT_KINDS;

/** The kinds a fault suite runs, in the catalogue's order. */
export function faultKindsOf(suite: FaultSuite): FaultKind[] {
  return (Object.keys(FAULT_KINDS) as FaultKind[]).filter((k) =>
    (FAULT_KINDS[k].suites as readonly FaultSuite[]).includes(suite),
  );
}

/** A provider that does not build a fault kind says so with this error; the suites mark the fault not verified there. */
export class UnsupportedFaultError extends Error {
  constructor(provider: string, kind: FaultKind) {
    super(`the ${provider} provider does not inject ${kind} (${FAULT_KINDS[kind].title})`);
    this.name = 'UnsupportedFaultError';
  }
}
