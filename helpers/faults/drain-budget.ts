/** What a planned drain and its lift are held to (helpers/experiment/drain-run.ts, drain-findings.ts). */
import type { Allowance } from './hop-allowance.js';

/** The withdrawal's detect budget, with its formula, and the part of it that is the tool's own injection. */
export interface DrainBudget extends Allowance {
  injection?: Allowance;
}

/**
 * What a drain (or lift) is held to: the withdrawal's detect budget, the same UPDATE over the same
 * hops or fewer, plus FRR's announce timer when a router's policy change sends it
 * (./announce-delay.ts). In that budget the injection (a gobgp CLI process reaching the
 * speaker, its measured band) is the tool's own latency; a drain's own commands are other
 * processes (one vtysh per router, or the re-origination on every speaker), and when they took
 * longer than that band their measured time takes its place. Measured 2026-12-04 with one core
 * kept busy (docs/routing-policy.md): a router drain's vtysh returned after 0.12–0.41 s, and the
 * fabric had moved 0.13–0.16 s later (FRR's 100 ms announce timer and one hop): the tail is the process.
 */
export function stepBudget(budget: DrainBudget, commandSeconds: number | undefined, announce?: Allowance): Allowance {
  const inj = budget.injection;
  const command = inj && commandSeconds !== undefined && commandSeconds > inj.seconds ? commandSeconds : undefined;
  return {
    seconds: budget.seconds - (command !== undefined ? inj!.seconds - command : 0) + (announce?.seconds ?? 0),
    formula: [
      budget.formula,
      ...(command !== undefined
        ? [`with the drain's own commands (${command.toFixed(3)} s, measured) in place of the injection`]
        : []),
      ...(announce ? [`+ ${announce.formula}`] : []),
    ].join(', '),
  };
}
