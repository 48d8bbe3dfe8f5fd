/**
 * Ctrl-C and SIGTERM, one policy for every long command (bring-up in the CLI and in the vitest
 * global setup, runtime builds, the matrix):
 * - the first signal aborts the step in progress through `signal`, which then removes what it
 *   made and rejects; the caller exits with `exitCode` (130 for SIGINT, 143 for SIGTERM);
 * - a second signal runs `force` (if given) and exits at once; without `force` it is ignored,
 *   so the first one's clean-up (a build's partial folder, its mounts) is not cut short;
 * - once `afterwards(cleanup)` is set (a lab that is up, owned by a test run), any signal runs
 *   that cleanup and exits.
 * Handlers are removed by `dispose()`, so a finished command leaves none behind.
 */
import type { Progress } from './progress.js';

export function exitCodeFor(sig: NodeJS.Signals): number {
  return sig === 'SIGINT' ? 130 : 143;
}

export interface InterruptOptions {
  progress: Progress;
  /** What the first signal stops, for the message ("the bring-up"). */
  what: string;
  /** What stopping it does, for the message ("removing what was made"). */
  then: string;
  /** Run on a second signal before exiting (e.g. remove the lab now). */
  force?: () => Promise<unknown>;
}

export class Interrupts {
  private readonly abort = new AbortController();
  private received?: NodeJS.Signals;
  private cleanup?: () => Promise<unknown>;
  private readonly handler = (sig: NodeJS.Signals) => this.onSignal(sig);

  constructor(private readonly o: InterruptOptions) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  /** Aborted by the first signal. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The exit code the command should end with, once a signal was received. */
  get exitCode(): number | undefined {
    return this.received && exitCodeFor(this.received);
  }

  /** From now on a signal runs `cleanup` and exits: the step is done, but its result must not outlive the process. */
  afterwards(cleanup: () => Promise<unknown>): void {
    this.cleanup = cleanup;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  private onSignal(sig: NodeJS.Signals): void {
    const exit = (fn: () => Promise<unknown>) =>
      void fn()
        .catch((err: unknown) =>
          this.o.progress.info(`${sig}: the clean-up failed: ${err instanceof Error ? err.message : String(err)}`),
        )
        .finally(() => process.exit(exitCodeFor(sig)));
    if (this.cleanup) {
      this.o.progress.info(`${sig}: ${this.o.then}`);
      exit(this.cleanup);
    } else if (!this.abort.signal.aborted) {
      this.received = sig;
      this.o.progress.info(
        `${sig}: stopping ${this.o.what}; ${this.o.then}${this.o.force ? ' (press Ctrl-C again to force)' : ''}`,
      );
      this.abort.abort();
    } else if (this.o.force) {
      this.o.progress.info(`${sig}: forced`);
      exit(this.o.force);
    }
    // A second signal with nothing to force: the first one's clean-up is under way; let it finish.
  }
}
