/**
 * A SIGTERM to vitest's main process alone (not its process group) leaves no test worker and no
 * process a worker started running on (helpers/os/orphaned-worker.ts). Before it, vitest 4.1's
 * forks worker ran its test to the end, orphaned (~50 s of a fault scenario).
 */
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import config from '../../vitest.config.js';
import { Deadline, waitUntil } from '../../helpers/os/poll.js';
import { isSameProcessAlive, processStartTime } from '../../helpers/os/run-state.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const VITEST = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const FIXTURE = join(PROJECT_ROOT, 'test', 'process', 'fixtures', 'orphaned-worker');
const SETUP = 'suites/setup/exit-when-orphaned.ts';

interface Watched {
  what: string;
  pid: number;
  /** The kernel's start time, read when the PID was learnt: a reused PID is not this process. */
  startTime: string;
}

/** The process behind a PID, to be followed by `isSameProcessAlive` (gone, reused or a zombie is not alive). */
function watch(what: string, pid: number): Watched {
  const startTime = processStartTime(pid);
  if (startTime === undefined) throw new Error(`the ${what} (pid ${pid}) is not running`);
  return { what, pid, startTime };
}

describe('a test run whose main process is gone', () => {
  it('every project of the config loads the setup file that ends an orphaned worker', () => {
    const projects = (config.test?.projects ?? []) as { test: { name: string; setupFiles?: string[] } }[];
    expect(projects.length).toBeGreaterThan(0);
    for (const p of projects) expect(p.test.setupFiles, p.test.name).toContain(SETUP);
  });

  it('a SIGTERM to vitest alone: its worker stops the process it held and ends', { timeout: 90_000 }, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'av-orphan-'));
    const pidFile = join(tmp, 'pids.json');
    const watched: Watched[] = [];
    onTestFinished(() => {
      for (const p of watched.filter(isSameProcessAlive)) process.kill(p.pid, 'SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    });
    // vitest's own temp folder goes into tmp too, removed with it.
    const main = execa(process.execPath, [VITEST, 'run', '--root', FIXTURE], {
      env: { TMPDIR: tmp, ORPHAN_PIDS: pidFile },
      reject: false,
      all: true,
    });
    await waitUntil(async () => (existsSync(pidFile) ? undefined : 'no PIDs written yet'), {
      what: 'the fixture test to start',
      deadline: new Deadline(60_000),
      graceMs: 0,
    });
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { worker: number; held: number };
    watched.push(watch('worker', pids.worker), watch('held process', pids.held));
    expect(watched.every(isSameProcessAlive)).toBe(true);

    main.kill('SIGTERM');
    const r = await main;
    expect(r.exitCode === null ? r.signal : r.exitCode, r.all).not.toBe(0);
    // Node closes the IPC channel as the main process exits; measured: the worker ends ~50 ms later.
    await waitUntil(
      async () =>
        watched
          .filter(isSameProcessAlive)
          .map((p) => `${p.what} ${p.pid} still running`)
          .join(', ') || undefined,
      { what: 'the orphaned worker and its process to end', deadline: new Deadline(10_000), graceMs: 0 },
    );
  });
});
