/**
 * vitest global setup: brings the lab up once for the whole run and down afterwards,
 * even when a test fails or the run is interrupted. Set ANYCAST_VERIFY_REUSE=1 to run the
 * suites against a lab already started with `anycast-verify up` (it is then left up), or
 * ANYCAST_VERIFY_KEEP=1 to leave the run's lab up afterwards for debugging.
 */
import type { TestProject } from 'vitest/node';
import { loadLabModel, type ModelSource } from '../../helpers/model/lab-model.js';
import { requestedFiles, runLab } from '../../helpers/lab/lab-source.js';
import { createProvider, providerName } from '../../helpers/lab/select-provider.js';
import { bringUp, waitConverged, type Convergence } from '../../helpers/lab/bring-up.js';
import { checkWithTools } from '../../helpers/runtimes/tool-checks.js';
import { stderrProgress } from '../../helpers/os/progress.js';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { MATRIX_REPORT_ENTRIES } from '../../helpers/report/matrix.js';
import { reportsDir } from '../../helpers/report/reports-dir.js';
import { teardownLab } from '../../helpers/lab/teardown.js';
import { Interrupts } from '../../helpers/os/interrupts.js';
import { labInfoOf, writeLabInfo } from '../../helpers/report/lab-info.js';
import { modelWarnings } from '../../helpers/model/warnings.js';
import { formatProblem } from '../../helpers/model/errors.js';
import { LabPool, type PoolAccess } from '../../helpers/lab/lab-pool.js';
import { decideScenarioLabs } from '../../helpers/lab/scenario-labs.js';
import { summarisePool, SCENARIO_LABS_FILE } from '../../helpers/lab/pool-log.js';
import { writeFileSync } from 'node:fs';
import { READ_ONLY_SUITES } from './suite-kinds.js';

declare module 'vitest' {
  export interface ProvidedContext {
    labProvider: string;
    /** The files (and hash-policy override) the run's lab was built from: workers load exactly this (suites/lab.ts). */
    labSource: ModelSource;
    /** The run's one reports folder (helpers/report/reports-dir.ts). */
    reportsDir: string;
    /** Whether bring-up converged, and if not, why (helpers/lab/bring-up.ts). */
    convergence: Convergence;
    /** Where the scenario suites lease copies of the lab (size 0: none, they use the run's lab). */
    scenarioLabs: PoolAccess;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.once('exit', () => removeVitestTmp(project));
  // ANYCAST_VERIFY_DIR (and _TOPOLOGY, _FIXTURES) point the suites at another lab's files;
  // a reused lab is read as `up` built it (helpers/lab/lab-source.ts).
  const reuse = process.env.ANYCAST_VERIFY_REUSE === '1';
  const progress = stderrProgress({ prefix: 'lab' });
  const { model, note } = runLab(loadLabModel(requestedFiles(project.config.root)), reuse);
  if (note) progress.info(note);
  const notChecked = await checkWithTools(model);
  const provider = await createProvider(providerName(), model);
  project.provide('labProvider', provider.name);
  project.provide('labSource', model.source);
  const reports = reportsDir(project.config.root);
  project.provide('reportsDir', reports);
  for (const n of notChecked) progress.info(`not checked: ${n}`);
  for (const w of modelWarnings(model)) progress.info(`warning: ${formatProblem(w)}`);
  // Each run starts with a clean reports folder (but for junit.xml, which vitest opened already, and a matrix run's own files).
  mkdirSync(reports, { recursive: true });
  for (const entry of readdirSync(reports))
    if (entry !== 'junit.xml' && !MATRIX_REPORT_ENTRIES.includes(entry))
      rmSync(join(reports, entry), { recursive: true, force: true });
  if (reuse) {
    // A reused lab is the user's: the scenarios run on it, one after another, and nothing else comes up.
    project.provide('scenarioLabs', { socket: '', size: 0 });
    const lab = await provider.attach();
    project.provide('convergence', await waitConverged(lab, { progress }));
    writeLabInfo(reports, await labInfoOf(lab, model, { scenarioLabs: 0 }));
    progress.info(`reusing the running lab "${model.name}"`);
    return async () => {};
  }
  await provider.preflight();
  // Ctrl-C or SIGTERM at any moment: during bring-up, it stops and removes what it made; after
  // it, the lab is removed here. Either way the run then exits (helpers/os/interrupts.ts).
  // Exiting from here skips vitest's own clean-up: remove its temp folders (transformed modules) too.
  let pool: LabPool | undefined;
  const removeLabAndVitestTmp = async () => {
    try {
      await Promise.all([provider.down({ progress }), pool?.stop()]);
    } finally {
      removeVitestTmp(project);
    }
  };
  const interrupts = new Interrupts({
    progress,
    what: 'the bring-up',
    then: 'removing the lab',
    force: removeLabAndVitestTmp,
  });
  // The scenario labs come up one at a time beside the run's lab (bring-up is CPU-bound); the
  // scenario suites lease them as they come (helpers/lab/lab-pool.ts).
  // The run's one decision (vitest.config.ts made it; this reads it, or makes it when the config did not).
  const { copies, why } = decideScenarioLabs(provider.name);
  if (copies > 0) {
    pool = new LabPool({
      model,
      size: copies,
      bringUpsAtOnce: 1,
      up: async (m) => {
        const copyProvider = await createProvider(provider.name, m);
        const copyProgress = stderrProgress({ prefix: `lab ${m.name}` });
        await bringUp(
          copyProvider,
          { progress: copyProgress, persistent: false, signal: interrupts.signal },
          'require',
        );
        return { down: () => copyProvider.down({ progress: copyProgress }) };
      },
      say: (copy, message) => progress.info(`${copy}: ${message}`),
    });
    progress.info(
      `${copies} scenario labs (copies of "${model.name}") come up beside it for the fault suites (${why})`,
    );
  }
  const t0 = performance.now();
  let lab: LabHandle;
  let convergence: Convergence;
  try {
    // A lab that does not converge stays up: every suite then says which claim breaks (smoke first).
    ({ lab, convergence } = await bringUp(
      provider,
      { progress, persistent: false, signal: interrupts.signal },
      'report',
    ));
  } catch (err) {
    interrupts.dispose();
    await pool?.stop();
    if (interrupts.exitCode !== undefined) {
      removeVitestTmp(project);
      process.exit(interrupts.exitCode);
    }
    throw err;
  }
  interrupts.afterwards(removeLabAndVitestTmp);
  // The pool's socket lives in the lab's run folder, which claiming the lab may have just
  // removed (a lab left behind by a dead run goes first): it listens only once the lab is ours.
  project.provide('scenarioLabs', pool ? await pool.start(false) : { socket: '', size: 0 });
  // The copies come up after the run's lab, not beside it: the read-only suites start sooner,
  // and by the time the first copy is up every scenario suite has asked for one, so the pool
  // can start the longest scenario first. A run of named files waits for a suite to ask.
  let joined = false;
  if (!runsSomeFilesOnly(project)) {
    pool?.warmUp();
    // Once the read-only suites are done with it, the run's lab takes scenarios too: one copy
    // gives two lanes. Not on a run of named files (which read-only suites run is not known),
    // nor on a lab that did not converge.
    if (convergence.converged && pool) {
      pool.reserveHome(READ_ONLY_SUITES);
      joined = true;
    }
  }
  const bringUpSeconds = (performance.now() - t0) / 1000;
  project.provide('convergence', convergence);
  if (convergence.converged) progress.info(`lab "${model.name}" converged in ${bringUpSeconds.toFixed(2)} s`);
  else
    progress.info(
      `lab "${model.name}" did NOT converge within ${convergence.seconds.toFixed(0)} s; the suites run anyway and say which claims fail: ${convergence.problem}`,
    );
  writeLabInfo(
    reports,
    await labInfoOf(lab, model, {
      bringUpSeconds: convergence.converged ? bringUpSeconds : undefined,
      scenarioLabs: copies,
      scenarioLanes: copies + (joined ? 1 : 0) || 1,
    }),
  );
  return async () => {
    interrupts.dispose();
    // A failed run's lab state goes into the reports before the lab goes (helpers/lab/teardown.ts).
    const failed =
      project.vitest.state.getCountOfFailedTests() > 0 || project.vitest.state.getFailedFilepaths().length > 0;
    if (pool) writePoolSummary(reports, pool, progress);
    await Promise.all([
      teardownLab({ provider, lab, reports, failed, keep: process.env.ANYCAST_VERIFY_KEEP === '1', progress }),
      pool?.stop(),
    ]);
  };
}

/**
 * Whether the run names test files (`vitest run suites/0-smoke.test.ts`): then the scenario labs
 * come up only when a suite leases one, so a run of read-only suites never pays for them.
 * vitest keeps the filters in an internal field; without it the labs come up at once (slower for
 * such a run, never wrong).
 */
function runsSomeFilesOnly(project: TestProject): boolean {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  return Array.isArray(filters) && filters.length > 0;
}

/** Where the scenario part of the run spent its time (reports/scenario-labs.json, and one line). */
function writePoolSummary(reports: string, pool: LabPool, progress: { info(m: string): void }): void {
  const summary = summarisePool(pool.log);
  writeFileSync(join(reports, SCENARIO_LABS_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  const cp = summary.criticalPath;
  if (cp)
    progress.info(
      `scenario labs: critical path ${cp.copy}, ${cp.seconds} s after the pool started (${cp.chain.join(', ')}); slowest scenario: ${summary.slowest?.label} (${summary.slowest?.seconds} s)`,
    );
}

/**
 * Vitest's temp folders: every project's (`npm test` runs two: unit and lab) and its own
 * instance's (`_tmpDir`, internal in vitest 4: the modules the run's main process loads after
 * start, e.g. a scenario lab's provider, go there). All are removed by vitest's close, which an
 * exit on a signal skips: vitest's own SIGINT/SIGTERM handler exits 1 ms after the signal (its
 * logger's `addCleanupListeners`, v4.1), before this setup's clean-up can finish (the lab's
 * reaper then removes the lab). Interrupted runs left them in /tmp: three per CI run, from the
 * scenario-lab signal tests, and the unit project's after a SIGTERM to `npm test` (found
 * 2026-12-04); so they also go on the process's `exit`, whatever ends it but SIGKILL.
 */
function removeVitestTmp(project: TestProject): void {
  const own = (project.vitest as unknown as { _tmpDir?: unknown })._tmpDir;
  const dirs = [project.tmpDir, ...project.vitest.projects.map((p) => p.tmpDir), typeof own === 'string' ? own : ''];
  for (const dir of new Set(dirs)) if (dir) rmSync(dir, { recursive: true, force: true });
}
