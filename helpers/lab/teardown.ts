/**
 * The end of a test run's lab (vitest global teardown): when the run failed, the whole lab's
 * state is dumped into the reports folder *before* anything is removed, so what the failure
 * left behind is in the uploaded report; then the lab is removed, unless ANYCAST_VERIFY_KEEP=1
 * asks to keep it (the nightly keeps it for its "Collect state" step and tears down last).
 */
import { join } from 'node:path';
import type { LabHandle } from '../providers/api/lab-handle.js';
import type { LabProvider } from '../providers/api/lab-provider.js';
import type { Progress } from '../os/progress.js';
import { dumpState } from './state-dump.js';

/** Where the teardown's dump goes, inside the run's reports folder. */
export const TEARDOWN_DUMP = 'lab-state-at-teardown';
/** A dump must not hold the teardown up for ever (a hung node, an apiserver that does not answer). */
export const TEARDOWN_DUMP_SECONDS = 120;

export interface TeardownOptions {
  provider: Pick<LabProvider, 'down'>;
  lab: LabHandle;
  reports: string;
  /** Whether any test (or test file) failed. */
  failed: boolean;
  keep: boolean;
  progress: Progress;
  /** Replaceable in tests. */
  dump?: (lab: LabHandle, dir: string) => Promise<void>;
}

export async function teardownLab(o: TeardownOptions): Promise<void> {
  if (o.failed) {
    const dir = join(o.reports, TEARDOWN_DUMP);
    o.progress.info(`the run failed: dumping the lab's state into ${dir} before it is removed`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>(
      (resolve) =>
        (timer = setTimeout(() => {
          o.progress.info(
            `the state dump took longer than ${TEARDOWN_DUMP_SECONDS} s; going on without the rest of it`,
          );
          resolve();
        }, TEARDOWN_DUMP_SECONDS * 1000)),
    );
    await Promise.race([
      (o.dump ?? dumpState)(o.lab, dir).catch((err: Error) => o.progress.info(`state dump failed: ${err.message}`)),
      timeout,
    ]);
    clearTimeout(timer);
  }
  if (o.keep) {
    o.progress.info(
      `ANYCAST_VERIFY_KEEP=1: lab "${o.lab.model.name}" left up; remove it with \`npx anycast-verify down\``,
    );
    return;
  }
  await o.provider.down({ progress: o.progress });
}
