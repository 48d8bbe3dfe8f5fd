/**
 * vitest global setup: brings the lab up once for the whole run and down afterwards,
 * even when a test fails or the run is interrupted. Set ANYCAST_VERIFY_REUSE=1 to run the
 * suites against a lab already started with `anycast-verify up` (it is then left up), or
 * ANYCAST_VERIFY_KEEP=1 to leave the run's lab up afterwards for debugging.
 */
import type { TestProject } from 'vitest/node';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { createProvider, providerName } from '../../helpers/lab/select-provider.js';
import { bringUp, waitConverged, type Convergence } from '../../helpers/lab/bring-up.js';
import { checkWithTools } from '../../helpers/lab/check.js';
import { stderrProgress } from '../../helpers/runtime/progress.js';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import type { LabModel } from '../../helpers/model/lab-model.js';
import { MATRIX_REPORT_ENTRIES } from '../../helpers/report/matrix.js';
import { reportsDir } from '../../helpers/report/reports-dir.js';
import { teardownLab } from '../../helpers/lab/teardown.js';
import { Interrupts } from '../../helpers/runtime/interrupts.js';
import { readHashing } from '../../helpers/lab/hashing.js';
import { modelWarnings } from '../../helpers/model/warnings.js';
import { formatProblem } from '../../helpers/model/errors.js';

/** What the report needs to know about the lab this run used (the hash policy as the routers run it). */
async function writeLabInfo(reports: string, lab: LabHandle, model: LabModel, bringUpSeconds?: number): Promise<void> {
  const timers = Object.values(model.clusters).flatMap((c) =>
    Object.values(c.speakers).flatMap((s) =>
      s.peers.map((p) => ({
        node: s.node,
        peer: p.address,
        hold: p.holdSeconds,
        keepalive: p.keepaliveSeconds,
        connectRetry: p.connectRetrySeconds,
        gracefulRestart: p.gracefulRestart ?? null,
      })),
    ),
  );
  writeFileSync(
    join(reports, 'lab.json'),
    JSON.stringify(
      {
        lab: model.name,
        provider: lab.provider,
        versions: await lab.versions(),
        hashing: await readHashing(lab).catch((e: Error) => e.message),
        timers,
        bringUpSeconds,
      },
      null,
      2,
    ),
  );
}

declare module 'vitest' {
  export interface ProvidedContext {
    labProvider: string;
    labRoot: string;
    /** The run's one reports folder (helpers/report/reports-dir.ts). */
    reportsDir: string;
    /** Whether bring-up converged, and if not, why (helpers/lab/bring-up.ts). */
    convergence: Convergence;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // ANYCAST_VERIFY_DIR points the suites at another project folder (containerlab/ + fixtures/).
  const root = process.env.ANYCAST_VERIFY_DIR ?? project.config.root;
  const model = loadLabModel({ root });
  const notChecked = await checkWithTools(model);
  const provider = await createProvider(providerName(), model);
  project.provide('labProvider', provider.name);
  project.provide('labRoot', root);
  const reports = reportsDir(project.config.root);
  project.provide('reportsDir', reports);
  const progress = stderrProgress({ prefix: 'lab' });
  for (const n of notChecked) progress.info(`not checked: ${n}`);
  for (const w of modelWarnings(model)) progress.info(`warning: ${formatProblem(w)}`);
  // Each run starts with a clean reports folder (but for junit.xml, which vitest opened already, and a matrix run's own files).
  mkdirSync(reports, { recursive: true });
  for (const entry of readdirSync(reports))
    if (entry !== 'junit.xml' && !MATRIX_REPORT_ENTRIES.includes(entry))
      rmSync(join(reports, entry), { recursive: true, force: true });
  if (process.env.ANYCAST_VERIFY_REUSE === '1') {
    const lab = await provider.attach();
    project.provide('convergence', await waitConverged(lab, { progress }));
    await writeLabInfo(reports, lab, model);
    progress.info(`reusing the running lab "${model.name}"`);
    return async () => {};
  }
  await provider.preflight();
  // Ctrl-C or SIGTERM at any moment: during bring-up, it stops and removes what it made; after
  // it, the lab is removed here. Either way the run then exits (helpers/runtime/interrupts.ts).
  // Exiting from here skips vitest's own clean-up: remove its temp folder (transformed modules) too.
  const removeLabAndVitestTmp = async () => {
    await provider.down({ progress });
    rmSync(project.tmpDir, { recursive: true, force: true });
  };
  const interrupts = new Interrupts({
    progress,
    what: 'the bring-up',
    then: 'removing the lab',
    force: removeLabAndVitestTmp,
  });
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
    if (interrupts.exitCode !== undefined) {
      rmSync(project.tmpDir, { recursive: true, force: true });
      process.exit(interrupts.exitCode);
    }
    throw err;
  }
  interrupts.afterwards(removeLabAndVitestTmp);
  const bringUpSeconds = (performance.now() - t0) / 1000;
  project.provide('convergence', convergence);
  if (convergence.converged) progress.info(`lab "${model.name}" converged in ${bringUpSeconds.toFixed(2)} s`);
  else
    progress.info(
      `lab "${model.name}" did NOT converge within ${convergence.seconds.toFixed(0)} s; the suites run anyway and say which claims fail: ${convergence.problem}`,
    );
  await writeLabInfo(reports, lab, model, convergence.converged ? bringUpSeconds : undefined);
  return async () => {
    interrupts.dispose();
    // A failed run's lab state goes into the reports before the lab goes (helpers/lab/teardown.ts).
    const failed =
      project.vitest.state.getCountOfFailedTests() > 0 || project.vitest.state.getFailedFilepaths().length > 0;
    await teardownLab({ provider, lab, reports, failed, keep: process.env.ANYCAST_VERIFY_KEEP === '1', progress });
  };
}
