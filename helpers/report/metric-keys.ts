/**
 * Every metric key a suite records (helpers/report/metrics.ts), as the one place both ends of
 * the seam name it: the suites write with these, and the readers (the summary's fault rows,
 * the regression gate's guarded keys) find metrics with the same values. A key is
 * `<area>.<what>[.<who>]`; the `<who>` keys (one per client, cluster, loss cause) are families:
 * a function for the writer, and its prefix and `who` for the reader.
 *
 * recordMetric accepts only a MetricKey, so a key written anywhere else, or misspelled, does
 * not compile. Keys read back from results files stay plain strings: a file may come from
 * another version.
 */

/** Keys that end in a name: one per client, cluster or cause (`failover.lost.client02`). */
export interface KeyFamily<P extends string = string> {
  /** The key for one member: `FAILOVER_KEYS.lost('client02')` is `failover.lost.client02`. */
  (who: string): `${P}${string}`;
  /** What every key of the family starts with: `failover.lost.`. */
  readonly prefix: P;
  /** The member a key names (`client02`), or undefined when the key is not of this family. */
  who(key: string): string | undefined;
}

export function keyFamily<P extends string>(prefix: P): KeyFamily<P> {
  const family = (who: string) => `${prefix}${who}` as const;
  return Object.assign(family, {
    prefix,
    who: (key: string) => (key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : undefined),
  });
}

/** Suite 3 (client paths): how the measured flows agree with the FIB's prediction. */
export const PATH_KEYS = {
  agreement: 'paths.agreement',
  pinnedTo: 'paths.pinnedTo',
  prediction: 'paths.prediction',
  /** Per cluster: flows it served. */
  flows: keyFamily('paths.flows.'),
  /** Per cluster: the fair-split band its share must fall in. */
  shareBand: keyFamily('paths.shareBand.'),
} as const;

/** Suite 4 (failover): one fault's timings and losses. */
export const FAILOVER_KEYS = {
  /** Requests the probe could not send (harness errors). */
  harness: 'failover.harness',
  /** Seconds until every ECMP router dropped the failed cluster (gate-guarded; marks a fault row in the summary). */
  moved: 'failover.moved',
  /** Seconds until traffic came back after the restore (gate-guarded). */
  back: 'failover.back',
  transient: 'failover.transient',
  monitorLag: 'failover.monitorLag',
  speakerBack: 'failover.speakerBack',
  ecmpMoves: 'failover.ecmpMoves',
  /** Lost requests without an allowed cause. */
  unexplained: 'failover.unexplained',
  untraced: 'failover.untraced',
  /** The host's CPU contention over the fault run, % of its wall time (helpers/os/cpu-pressure.ts; never gated). */
  hostCpuWait: 'failover.hostCpuWait',
  outcome: 'failover.outcome',
  /** Per loss verdict (black-hole, micro-loop, …): lost requests with that cause. */
  cause: keyFamily('failover.cause.'),
  /** Per client: requests during the fault. */
  requests: keyFamily('failover.requests.'),
  /** Per client: requests lost. */
  lost: keyFamily('failover.lost.'),
  /** Per client: the outage window in seconds (gate-guarded). */
  outage: keyFamily('failover.outage.'),
  /** Per client: requests the failed cluster still answered. */
  answeredByFailed: keyFamily('failover.answeredByFailed.'),
  /**
   * Per phase (detect, failBack): seconds from the fault's command to its effect, when the effect
   * was seen (helpers/experiment/fault-effect.ts): the provider's own path, outside the budgets.
   */
  command: keyFamily('failover.command.'),
} as const;

/**
 * Suite 4's waterfall: per phase (fault, failBack), node and event (dial, open, tx, rx, fib,
 * moved), the milliseconds since the previous event of the chain (helpers/experiment/waterfall.ts).
 * Written as `WATERFALL_KEYS.link('fault.leaf2.rx')`.
 */
export const WATERFALL_KEYS = {
  link: keyFamily('waterfall.'),
} as const;

/** Suite 8 (planned drain): what each step of a drain cost. */
export const DRAIN_KEYS = {
  /** Seconds from the drain to every meeting point off the cluster, and from the lift to every one back. */
  seconds: 'drain.seconds',
  liftSeconds: 'drain.liftSeconds',
  /** Of those, the drain's (the lift's) own commands: the tool's latency, before the fabric's work. */
  command: 'drain.command',
  liftCommand: 'drain.liftCommand',
  lost: 'drain.lost',
  broken: 'drain.broken',
  /** The withdrawal and re-advertisement under the drain (the claim: 0 and 0). */
  maintenanceLost: 'drain.maintenanceLost',
  maintenanceBroken: 'drain.maintenanceBroken',
  liftLost: 'drain.liftLost',
  liftBroken: 'drain.liftBroken',
  harness: 'drain.harness',
} as const;

/** Suite 4, established connections (held): connections a fault and its fail-back break. */
export const REHASH_KEYS = {
  harness: 'rehash.harness',
  agreement: 'rehash.agreement',
  /** Connections the fault broke (gate-guarded). */
  faultBroken: 'rehash.fault.broken',
  faultBrokenOnSurvivors: 'rehash.fault.brokenOnSurvivors',
  faultAlive: 'rehash.fault.alive',
  failBackBroken: 'rehash.failBack.broken',
  failBackAlive: 'rehash.failBack.alive',
  failBackShare: 'rehash.failBack.share',
  failBackBrokenSurvivors: 'rehash.failBack.brokenSurvivors',
  failBackOpenedAfterMove: 'rehash.failBack.openedAfterMove',
  /** Connections opened after the move that the fail-back broke (gate-guarded). */
  failBackBrokenAfterMove: 'rehash.failBack.brokenAfterMove',
} as const;

/** Suite 7's two phases: withdrawing every VIP of a cluster, and restoring them. */
export type AllVipsPhase = 'fault' | 'failBack';

/** Suite 7 (all VIPs): the move of every VIP of one cluster, per phase. */
export const ALL_VIPS_KEYS = {
  /** Seconds until every ECMP router holds every VIP in its new set. */
  move: (phase: AllVipsPhase) => `allVips.${phase}` as const,
  /** Route events the ECMP routers saw during it. */
  events: (phase: AllVipsPhase) => `allVips.${phase}.events` as const,
  /** The command's start to the victims' first UPDATE on the wire: the provider's path, outside the budget. */
  command: (phase: AllVipsPhase) => `allVips.${phase}.command` as const,
} as const;

/** Suite 5 (breakage). */
export const BREAKAGE_KEYS = {
  /** Whether the pool change ran on a second lab or reconfigured this one. */
  poolChangeMethod: 'breakage.poolChangeMethod',
} as const;

/** Suite 9 (upgrade rehearsal): per step (router or cluster), what it cost. */
export const REHEARSAL_KEYS = {
  /** Requests lost by every client, against the sum of the clients' bounds. */
  lost: keyFamily('rehearsal.lost.'),
  /** Held connections broken. */
  broken: keyFamily('rehearsal.broken.'),
  /** Seconds a meeting point held fewer clusters than all. */
  degraded: keyFamily('rehearsal.degraded.'),
} as const;

/** The keys a group declares: its constants, and what its functions (families included) return. */
type KeysOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => infer R ? R : T[K] }[keyof T];

/** Every key a suite may record. */
export type MetricKey =
  | KeysOf<typeof PATH_KEYS>
  | KeysOf<typeof FAILOVER_KEYS>
  | KeysOf<typeof WATERFALL_KEYS>
  | KeysOf<typeof REHASH_KEYS>
  | KeysOf<typeof ALL_VIPS_KEYS>
  | KeysOf<typeof BREAKAGE_KEYS>
  | KeysOf<typeof DRAIN_KEYS>
  | KeysOf<typeof REHEARSAL_KEYS>;

/** The groups above, for the tests that check the keys are distinct and families unambiguous. */
export const METRIC_KEY_GROUPS = {
  paths: PATH_KEYS,
  failover: FAILOVER_KEYS,
  waterfall: WATERFALL_KEYS,
  rehash: REHASH_KEYS,
  allVips: ALL_VIPS_KEYS,
  breakage: BREAKAGE_KEYS,
  drain: DRAIN_KEYS,
  rehearsal: REHEARSAL_KEYS,
} as const;
