/** Before every lab test: the lab's daemons are all alive. After a failing one: a state dump of the whole lab under reports/<test>/. */
import { join } from 'node:path';
import { beforeEach, inject } from 'vitest';
import { dumpState, safeName } from '../../helpers/lab/state-dump.js';
import { recordArtefact } from '../../helpers/report/metrics.js';
import { useLab } from '../lab.js';

beforeEach(async ({ onTestFailed }) => {
  // A lab daemon that died makes every later test meaningless: fail here, with its log.
  const dead = await (await useLab()).health();
  if (dead) throw new Error(`the lab is broken: ${dead}`);
  onTestFailed(async ({ task }) => {
    const dir = join(inject('reportsDir'), safeName(task.fullName ?? task.name));
    await dumpState(await useLab(), dir).catch(() => undefined);
    recordArtefact(task, `${safeName(task.fullName ?? task.name)}/`);
  });
});
