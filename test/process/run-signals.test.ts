/**
 * Signals during a test run leave nothing behind: Ctrl-C, SIGTERM and SIGKILL to the run's
 * process group, on the run's lab and while a scenario runs on a copy of it, and a SIGTERM to
 * vitest's main process alone. Each test builds its own small lab from a renamed copy of the
 * files, so it never touches the suites' lab.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runRoot, writeState } from '../../helpers/os/run-state.js';
import { Deadline, waitUntil } from '../../helpers/os/poll.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { expectHostClean, namedCopy, outputContains, reapChild, VITEST } from '../support/host.js';

/**
 * `vitest run --project lab <suite>` on the copy, as its own process group (detached, so a signal
 * can reach the group or its main process alone), with its own reports folder (the inner run must
 * not overwrite this run's) and its own temp folder, to see what an interrupted run leaves there
 * (vitest keeps transformed modules in it; without it, each interrupted run left vitest's module
 * folder in the host's /tmp: three per CI run, found 2026-12-04).
 */
function startRun(root: string, suite: string, env: Record<string, string> = {}) {
  const tmp = join(root, 'tmp');
  mkdirSync(tmp);
  const child = execa(process.execPath, [VITEST, 'run', '--project', 'lab', suite], {
    cwd: PROJECT_ROOT,
    reject: false,
    detached: true,
    all: true,
    env: {
      ANYCAST_VERIFY_DIR: root,
      ANYCAST_VERIFY_REPORTS: join(root, 'run-reports'),
      TMPDIR: tmp,
      ANYCAST_VERIFY_RUN_DIR: runRoot(),
      ...env,
    },
  });
  reapChild(child);
  return { child, tmp };
}

/** The temp folder an interrupted run leaves: nothing but tsx's compile cache (tsx-<uid>: one folder, reused by every later run of the CLI). */
const leftInTmp = (tmp: string) => readdirSync(tmp).filter((e) => !/^tsx-\d+$/.test(e));

describe('signals during a test run', () => {
  it.each([
    ['SIGINT', 'during the global bring-up', /✔ FRR \S+ on/],
    ['SIGTERM', 'while the tests run', 'converged in'],
    ['SIGKILL', 'while the tests run', 'converged in'],
  ] as const)('%s %s leaves nothing behind', async (sig, _when, marker) => {
    const { copy, model } = namedCopy(`pt-run-${sig.toLowerCase()}`);
    const { child, tmp } = startRun(copy.root, 'suites/1-bgp-sessions.test.ts');
    await outputContains(child, marker, 90_000);
    // Like Ctrl-C in a terminal: the whole process group gets the signal.
    process.kill(-child.pid!, sig);
    await child;
    await expectHostClean(model);
    // SIGKILL leaves vitest no chance; the others must leave the temp folder empty.
    if (sig !== 'SIGKILL') expect(leftInTmp(tmp)).toEqual([]);
  });
});

describe('signals during a run with a scenario lab', () => {
  // Suite 7 leases one copy of the lab (helpers/lab/lab-pool.ts): the copy is brought up by the
  // run's global setup when the suite asks, and must go with the run whatever ends it.
  it.each([
    ['SIGINT', 'while the copy comes up', /lab pt-sc-sigint-s1: ✔ FRR \S+ on/],
    ['SIGTERM', 'while a scenario runs on the copy', 'runs "every VIP fails over at once"'],
    ['SIGKILL', 'while a scenario runs on the copy', 'runs "every VIP fails over at once"'],
    // A supervisor that signals its direct child only: vitest's main process goes, its worker
    // (in the middle of the scenario) must not run on. Here the worker's lease on the copy closes
    // with the main process and ends the scenario anyway (the case passes without
    // helpers/os/orphaned-worker.ts too); orphaned-worker.test.ts holds a worker nothing else ends.
    ['SIGTERM', 'to vitest alone while a scenario runs on the copy', 'runs "every VIP fails over at once"'],
  ] as const)('%s %s leaves nothing behind', async (sig, when, marker) => {
    const alone = when.includes('alone');
    const { copy, model } = namedCopy(alone ? 'pt-sc-alone' : `pt-sc-${sig.toLowerCase()}`);
    // A record left by a run that died (its owner gone): claiming the lab removes it, run folder
    // and all, and the pool's socket in that folder must outlive that (it once did not).
    writeState({
      lab: model.name,
      provider: 'netns',
      owner: { pid: process.pid, startTime: 'not this process', persistent: false, command: 'a run that died' },
      createdAt: new Date().toISOString(),
      namespaces: [],
      processes: [],
      paths: [],
      ready: true,
    });
    const { child, tmp } = startRun(copy.root, 'suites/7-all-vips.test.ts', { ANYCAST_VERIFY_SCENARIO_LABS: '1' });
    await outputContains(child, marker, 90_000);
    process.kill(alone ? child.pid! : -child.pid!, sig);
    const r = await child.catch((e: { all?: string }) => e);
    await expectHostClean(model).catch((err: Error) => {
      throw new Error(`${err.message}\n--- the run's output:\n${r.all ?? ''}`);
    });
    // No process of the run (its own process group: detached) outlives it: not the test worker,
    // not a probe or capture the worker started.
    await waitUntil(
      async () => {
        const left = (await execa('pgrep', ['-a', '-g', String(child.pid)], { reject: false })).stdout;
        return left ? `still running in the run's process group:\n${left}` : undefined;
      },
      { what: "the run's processes to end", deadline: new Deadline(10_000), graceMs: 0 },
    );
    expect(r.all).toContain(`removing lab "${model.name}" left behind by pid ${process.pid}`);
    if (sig !== 'SIGKILL') expect(leftInTmp(tmp)).toEqual([]);
  });
});
