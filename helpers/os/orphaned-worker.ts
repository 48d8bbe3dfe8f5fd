/**
 * A test worker whose vitest main process is gone ends itself and what it started.
 *
 * A SIGTERM or SIGINT to vitest's main process alone (`kill <pid>`, a supervisor that signals its
 * direct child) makes vitest 4.1 exit at once, and its forks worker is not told: vitest stops a
 * worker by SIGTERM at the end of a run, and otherwise a worker ends only when a message to its
 * parent fails (`onError` in vitest's dist/chunks/init-forks.*.js, 4.1.12). A worker in the middle
 * of a fault scenario sends nothing for tens of seconds, so it ran on, orphaned, with its probes,
 * captures and route monitors (measured: ~50 s after the main process had gone).
 *
 * Node closes the IPC channel when the parent dies, and the worker sees `disconnect`. Then it
 * stops every long-running process it started (`stopIfOrphaned`) and sends itself SIGTERM, the
 * signal vitest itself ends workers with. `process.exit` is not used: vitest replaces it inside a
 * worker with one that throws.
 */

interface Stoppable {
  done: Promise<unknown>;
  stop(): void;
}

const running = new Set<Stoppable>();
const INSTALLED = Symbol.for('anycast-verify.exitWhenOrphaned');

/** Registers a long-running process (a probe, a capture, a monitor) to be stopped if this worker is orphaned. */
export function stopIfOrphaned<T extends Stoppable>(p: T): T {
  running.add(p);
  void p.done.finally(() => running.delete(p));
  return p;
}

/**
 * In a child process with an IPC channel (a vitest forks worker): when the channel closes, stop
 * what `stopIfOrphaned` registered and end this process. Installed once per process, whatever
 * the number of setup-file evaluations (an isolated worker re-evaluates them per test file).
 */
export function exitWhenOrphaned(): void {
  const holder = process as unknown as Record<symbol, boolean>;
  if (!process.connected || holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  process.once('disconnect', () => {
    try {
      process.stderr.write(
        `anycast-verify: the test run's main process is gone; worker ${process.pid} stops ${running.size} process(es) it started and ends\n`,
      );
    } catch {
      // its stderr may have gone with the parent
    }
    for (const p of running) {
      try {
        p.stop();
      } catch {
        // already gone
      }
    }
    process.kill(process.pid, 'SIGTERM');
  });
}
