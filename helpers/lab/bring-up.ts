/**
 * Bring-up for every caller (CLI `up`, the vitest global setup, the benchmark, the breakage
 * suite's second lab), the same way on both providers: claim the lab name and start the
 * reaper (./claim.ts), `provider.up` (returns once the lab's processes answer), then wait for
 * BGP convergence. Providers never claim, never decide "converged", and never clean up after a
 * failed bring-up themselves: this does, once, for both.
 *
 * A lab that does not converge is a finding, not a crash: the CLI fails and removes it
 * (`require`), while a test run keeps it (`report`) so every suite still runs and says which
 * claim breaks and why, and the smoke suite's "converged" test fails with the problem.
 */
import { convergenceProblem } from '../claims/convergence.js';
import { AbortedError, Deadline, StopWaiting, WaitTimeoutError, waitUntil } from '../os/poll.js';
import type { LabHandle, ProviderName } from '../providers/api/lab-handle.js';
import type { LabProvider, UpOptions } from '../providers/api/lab-provider.js';
import { markReady } from '../os/run-state.js';
import { claimLab } from './claim.js';

/**
 * How long convergence may take after the daemons answer. netns: FRR's first-update delay and
 * update coalescing plus GoBGP's first dial, measured at 1–3 s here, with room for a loaded
 * CI host. containerlab: Cilium's agent reconciles and dials after the CRDs are applied, on a
 * GitHub runner (docs/real-lab.md).
 */
export const CONVERGENCE_DEADLINE_SECONDS: Record<ProviderName, number> = { netns: 30, containerlab: 120 };

/**
 * The deadline this run waits for: the provider's, or ANYCAST_VERIFY_CONVERGENCE_SECONDS (a
 * lab known to need longer, or a test of a lab that must not converge, which need not wait 30 s
 * to learn it). A value that is not a positive number is refused by name, never read as 0.
 */
export function convergenceDeadlineSeconds(provider: ProviderName, env = process.env): number {
  const raw = env.ANYCAST_VERIFY_CONVERGENCE_SECONDS;
  if (raw === undefined || raw === '') return CONVERGENCE_DEADLINE_SECONDS[provider];
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`ANYCAST_VERIFY_CONVERGENCE_SECONDS: expected a number of seconds > 0, got "${raw}"`);
  return n;
}

export type Convergence = { converged: true; seconds: number } | { converged: false; seconds: number; problem: string };

/** Waits until the lab converges or the deadline passes; a daemon that dies ends the wait at once. */
export async function waitConverged(
  lab: LabHandle,
  opts: Pick<UpOptions, 'progress' | 'signal'>,
): Promise<Convergence> {
  const seconds = convergenceDeadlineSeconds(lab.provider);
  const t0 = performance.now();
  try {
    await opts.progress.step('BGP converged (every session Established, every FIB as the configs install)', () =>
      waitUntil(
        async () => {
          const dead = await lab.health();
          if (dead) throw new StopWaiting(`a daemon died during bring-up:\n${dead}`);
          return convergenceProblem(lab);
        },
        { what: 'the lab to converge', deadline: new Deadline(seconds * 1000), intervalMs: 50, signal: opts.signal },
      ),
    );
    return { converged: true, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    if (err instanceof AbortedError) throw err;
    // One line, the state at the deadline first: it becomes a test's failure message.
    const problem =
      err instanceof WaitTimeoutError
        ? `not converged ${seconds} s after the daemons answered: ${err.lastProblem}${err.wouldHavePassedAfterMs === undefined ? '' : ` (it converged after ${(err.wouldHavePassedAfterMs / 1000).toFixed(1)} s, past the deadline)`}`
        : (err as Error).message;
    return { converged: false, seconds: (performance.now() - t0) / 1000, problem };
  }
}

/** The lab came up but did not converge as its configs say (the CLI exits 1: a claim failed). */
export class NotConvergedError extends Error {
  override name = 'NotConvergedError';
}

/**
 * Claim, `provider.up`, then the convergence wait. `require`: not converging removes the lab
 * and throws. `report`: the lab stays up and the result says why it did not converge. A
 * failed or interrupted bring-up removes what it made, unless ANYCAST_VERIFY_KEEP=1 asks to
 * keep it for debugging.
 */
export async function bringUp(
  provider: LabProvider,
  opts: UpOptions,
  mode: 'require' | 'report',
): Promise<{ lab: LabHandle; convergence: Convergence }> {
  await claimLab(provider, opts);
  try {
    const lab = await provider.up(opts);
    const convergence = await waitConverged(lab, opts);
    if (!convergence.converged && mode === 'require') throw new NotConvergedError(convergence.problem);
    markReady(lab.model.name);
    return { lab, convergence };
  } catch (err) {
    if (process.env.ANYCAST_VERIFY_KEEP === '1' && !(err instanceof AbortedError)) {
      opts.progress.info(
        'bring-up failed; ANYCAST_VERIFY_KEEP=1 leaves the lab up for debugging (`anycast-verify down` removes it)',
      );
    } else {
      opts.progress.info(
        err instanceof AbortedError ? 'interrupted; removing what was made' : 'bring-up failed; removing what was made',
      );
      await provider.down({ progress: opts.progress }).catch(() => undefined);
    }
    throw err;
  }
}
