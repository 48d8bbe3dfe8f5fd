/**
 * What a running lab offers, the one seam both labs implement. Suites and the CLI talk only to
 * a `LabHandle`, never to a provider's internals, which is what lets the same suites run on
 * the netns lab here and on containerlab + minikube + Cilium on a GitHub runner.
 */
import type { LabModel } from '../../model/lab-model.js';
import type { RunOptions, RunResult } from '../../os/command.js';
import type { GobgpBehaviour } from '../../runtimes/gobgp-behaviour.js';
import type { FaultKind } from './fault-kinds.js';
export type { FaultKind } from './fault-kinds.js';

export type ProviderName = 'netns' | 'containerlab';

/** What a BGP speaker on a Kubernetes node reports about one peer (GoBGP here, CiliumBGPNodeConfig status on the real lab). */
export interface SpeakerPeerView {
  peerAddress: string;
  peerASN: number;
  localASN: number;
  /** Cilium's session-state strings: idle, connect, active, open_sent, open_confirm, established. */
  state: string;
  appliedHoldSeconds?: number;
  appliedKeepaliveSeconds?: number;
  advertised?: number;
  received?: number;
  /** TCP-MD5 configured on the session (Cilium: tcp-password-enabled). */
  tcpPasswordEnabled?: boolean;
  /** Graceful restart as the speaker applied it. */
  gracefulRestart?: { enabled: boolean; restartTimeSeconds?: number };
}

/** How a long-running process runs and how its output is read (LabHandle.spawn). */
export interface SpawnOptions {
  /**
   * How stdout's bytes become the string `output()` and `done` give: UTF-8 (the default), or
   * latin1, one character per byte, for binary output (`tcpdump -w -`): Buffer.from(s, 'latin1')
   * gives the bytes back whole, whatever the chunks they arrived in.
   */
  encoding?: 'utf8' | 'latin1';
  /**
   * It stamps times that claims compare with the fabric's (a route monitor's `ip -ts`, the
   * probe's requests): where the provider runs the emulated fabric at a priority of its own
   * (netns: nice −10, providers/netns/processes.ts), it runs at that priority too, so its stamps
   * do not trail the fabric's work on a contended host. Containerlab's nodes run in their own
   * containers, not at a priority the tool sets: no effect there.
   */
  stamps?: boolean;
}

/** A long-running process inside a node (the traffic probe, a capture). */
export interface SpawnedProcess {
  /** Resolves with everything it printed on stdout when it exits. */
  done: Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** What it has printed on stdout so far. */
  output(): string;
  /** What it has printed on stderr so far (e.g. tcpdump's "listening on"). */
  errorOutput(): string;
  stop(): void;
}

/** A provider's extra time for a fault (its own control-plane or command path), with how it is derived. */
export interface Allowance {
  seconds: number;
  formula: string;
  /**
   * Whose time it is: the tool's own commands (`harness`, the default: never judged once the
   * fault's own effect is seen, helpers/experiment/fault-effect.ts), or the system under test's
   * control plane (`control-plane`, e.g. Cilium reconciling a removed advertisement: then judged
   * as a claim of its own, from the command to the effect).
   */
  part?: 'harness' | 'control-plane';
}

/**
 * What brings a crashed node speaker back, and how soon: the input of the speaker-crash
 * outcome (helpers/faults/budgets.ts crashOutcome).
 */
export interface SpeakerRestart {
  /** At most this long from the crash until the restarted speaker has dialled its peers; undefined: not before the fault is restored. */
  withinSeconds?: number;
  /** How the figure is made up, with its sources. */
  formula: string;
}

/** How an upgrade step stops what it upgrades: its own clean stop, or a crash (SIGKILL). */
export type StopMode = 'clean' | 'crash';

/** When an upgrade step stopped and started what it upgrades (epoch ms). */
export interface UpgradeTiming {
  /** The stop was sent. */
  stopAt: number;
  /** Every old process has gone. */
  stoppedAt: number;
  /** The new version answers (FRR: every daemon up and frr.conf applied; a speaker: its API answers and its VIPs are originated). */
  startedAt: number;
  /** What it ran and runs now: `FRR 10.3` → `FRR 10.7.1`, `GoBGP 3.36.0` → `GoBGP 4.8.0`. */
  from: string;
  to: string;
}

export interface LabHandle {
  readonly provider: ProviderName;
  readonly model: LabModel;
  /** True when every node shares one kernel (netns; containerlab on one host): it limits ECMP path prediction. */
  readonly sharedKernel: boolean;
  /** Runs argv inside a node (router, host or Kubernetes node). */
  exec(node: string, argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Runs one vtysh command on a router and returns its output. */
  vtysh(router: string, command: string): Promise<string>;
  /** The cluster-side view of a Kubernetes node's BGP sessions. */
  speakerPeers(node: string): Promise<SpeakerPeerView[]>;
  /** The GoBGP version the nodes' BGP speaker runs (emulated: the runtime's; real: the one the Cilium pin embeds). */
  speakerGobgpVersion(node?: string): string;
  /** Versions of the moving parts, for reports. */
  versions(): Promise<Record<string, string>>;
  /** Starts a long-running command inside a node (stdout collected). */
  spawn(node: string, argv: string[], opts?: SpawnOptions): SpawnedProcess;
  /** Injects a fault on a Kubernetes node; resolves once injected, with the action that lifts it. */
  injectFault(kind: FaultKind, node: string): Promise<{ restore: () => Promise<void> }>;
  /** Daemon logs by name (for state dumps). */
  logs(): Promise<Record<string, string>>;
  /** Extra time a provider needs to restore a fault (its restore commands, its control-plane path); added to the fail-back budget. */
  failBackAllowance?(kind: FaultKind): Allowance | undefined;
  /** Extra time a provider needs from the fault's start until the fabric can see it (its inject commands, its control-plane path); added to the detect budget. */
  detectAllowance?(kind: FaultKind): Allowance | undefined;
  /** What restarts the node's speaker after a crash (SIGKILL), and how soon. */
  speakerRestart(node: string, gobgp: GobgpBehaviour): Promise<SpeakerRestart>;
  /**
   * Whether a second lab can run beside this one (other names, other resources). The
   * containerlab lab cannot: minikube profiles, docker networks and bridges are named after
   * the topology's nodes, so a copy would collide with (and its cleanup delete) this lab's.
   */
  readonly canRunSecondLab: boolean;
  /**
   * Applies another model's objects of the given kinds to the running clusters (server-side
   * apply) and returns a handle that expects that model, and the action that applies the
   * lab's own objects again. Where a second lab cannot run beside this one.
   */
  reconfigure?(changed: LabModel, kinds: string[]): Promise<{ lab: LabHandle; restore: () => Promise<void> }>;
  /**
   * Restarts a router's FRR or a Kubernetes node's BGP speaker from another runtime with the same
   * configuration (an upgrade step); resolves once the new version answers. Later reads of that
   * node go to the new version. Absent where a provider cannot (containerlab: not built).
   */
  upgrade?(node: string, runtime: string, stop: StopMode): Promise<UpgradeTiming>;
  /** A sentence naming every lab daemon that has died, with its log tail; undefined when all run. */
  health(): Promise<string | undefined>;
}
