/**
 * Before every lab test: the lab's daemons are all alive. After a failing one: a state dump of
 * the whole lab under reports/<test>/. After a read-only suite: the scenario-lab pool is told it
 * is done with the run's lab (helpers/lab/lab-pool.ts reserveHome).
 *
 * With scenario labs, a scenario suite's test is not held to the run's lab: another worker's
 * fault may be running on it (it joins the pool after the read-only suites), and the test checks
 * and dumps the lab it leased instead (suites/lab.ts scenarioLab).
 */
import { join } from 'node:path';
import { afterAll, beforeEach, inject } from 'vitest';
import { sayReadOnlyDone } from '../../helpers/lab/lab-lease.js';
import { READ_ONLY_SUITES, SCENARIO_SUITES, suiteOf } from './suite-kinds.js';
import { dumpState, safeName } from '../../helpers/lab/state-dump.js';
import { recordArtefact } from '../../helpers/report/metrics.js';
import { useLab } from '../lab.js';

const onItsOwnLab = (filepath: string) =>
  inject('scenarioLabs').size > 0 && (SCENARIO_SUITES as readonly string[]).includes(suiteOf(filepath));

beforeEach(async ({ onTestFailed, task }) => {
  if (onItsOwnLab(task.file.filepath)) return;
  // A lab daemon that died makes every later test meaningless: fail here, with its log.
  const dead = await (await useLab()).health();
  if (dead) throw new Error(`the lab is broken: ${dead}`);
  onTestFailed(async ({ task }) => {
    const dir = join(inject('reportsDir'), safeName(task.fullName ?? task.name));
    await dumpState(await useLab(), dir).catch(() => undefined);
    recordArtefact(task, `${safeName(task.fullName ?? task.name)}/`);
  });
});

// vitest reads the first argument as fixtures and wants it destructured; the file is the second.
// eslint-disable-next-line no-empty-pattern
afterAll(async ({}, file) => {
  // In a setup file, afterAll runs for the test file itself.
  const suite = suiteOf('filepath' in file ? file.filepath : file.file.filepath);
  const pool = inject('scenarioLabs');
  if (pool.size > 0 && (READ_ONLY_SUITES as readonly string[]).includes(suite)) await sayReadOnlyDone(pool, suite);
});
