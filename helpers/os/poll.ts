/**
 * Waiting on a condition with an explicit budget, never a sleep. The deadline is anchored
 * to a trigger (`Deadline`), so several checks after one event share one budget instead of
 * each getting a fresh one. On timeout the wait keeps polling for a grace period and
 * reports "would have passed after X s" (FRR topotests' retry diagnostic): that tells a
 * budget that is too tight from a product that is broken.
 */
export class Deadline {
  readonly startedAt: number;
  constructor(
    readonly budgetMs: number,
    startedAt?: number,
  ) {
    this.startedAt = startedAt ?? performance.now();
  }
  get at(): number {
    return this.startedAt + this.budgetMs;
  }
  remaining(): number {
    return this.at - performance.now();
  }
  elapsed(): number {
    return performance.now() - this.startedAt;
  }
}

export interface WaitOptions {
  /** What is awaited, for the error message. */
  what: string;
  deadline: Deadline;
  intervalMs?: number;
  /** After the deadline, keep polling this long (default: half the budget, at most 15 s) to report when it would have passed. */
  graceMs?: number;
  /** Stops the wait at once (Ctrl-C during `up`). */
  signal?: AbortSignal;
}

/** A check throws this to end the wait at once: waiting longer cannot help (e.g. a daemon died). */
export class StopWaiting extends Error {}

export class AbortedError extends StopWaiting {
  constructor(what: string) {
    super(`interrupted while waiting for ${what}`);
    this.name = 'AbortedError';
  }
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly budgetMs: number,
    readonly lastProblem: string,
    readonly wouldHavePassedAfterMs?: number,
  ) {
    const late =
      wouldHavePassedAfterMs === undefined
        ? 'it still had not happened after the grace period'
        : `it would have passed after ${(wouldHavePassedAfterMs / 1000).toFixed(2)} s`;
    super(
      `timed out after ${(budgetMs / 1000).toFixed(2)} s waiting for ${what}; ${late}.\n  last check: ${lastProblem}`,
    );
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `check` until it returns undefined (success) or a string (what is still wrong).
 * Returns the time since the deadline's anchor when it passed.
 */
export async function waitUntil(check: () => Promise<string | undefined>, opts: WaitOptions): Promise<number> {
  const interval = opts.intervalMs ?? 100;
  let last: string;
  for (;;) {
    if (opts.signal?.aborted) throw new AbortedError(opts.what);
    try {
      const problem = await check();
      if (problem === undefined) return opts.deadline.elapsed();
      last = problem;
    } catch (err) {
      if (err instanceof StopWaiting) throw err;
      last = (err as Error).message;
    }
    if (opts.deadline.remaining() <= 0) break;
    await sleep(Math.min(interval, Math.max(opts.deadline.remaining(), 1)));
  }
  const grace = opts.graceMs ?? Math.min(opts.deadline.budgetMs / 2, 15_000);
  const graceEnd = performance.now() + grace;
  while (performance.now() < graceEnd) {
    if (opts.signal?.aborted) throw new AbortedError(opts.what);
    await sleep(interval);
    try {
      if ((await check()) === undefined)
        throw new WaitTimeoutError(opts.what, opts.deadline.budgetMs, last, opts.deadline.elapsed());
    } catch (err) {
      if (err instanceof WaitTimeoutError) throw err;
    }
  }
  throw new WaitTimeoutError(opts.what, opts.deadline.budgetMs, last);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
