/** For every failing lab test, a state dump of the whole lab under reports/<test>/. */
import { join } from 'node:path';
import { beforeEach, inject } from 'vitest';
import { dumpState, safeName } from '../../helpers/report/state-dump.js';
import { recordArtefact } from '../../helpers/report/metrics.js';
import { useLab } from '../lab.js';

beforeEach(({ onTestFailed }) => {
  onTestFailed(async ({ task }) => {
    const dir = join(inject('labRoot'), 'reports', safeName(task.fullName ?? task.name));
    await dumpState(await useLab(), dir).catch(() => undefined);
    recordArtefact(task, `${safeName(task.fullName ?? task.name)}/`);
  });
});
