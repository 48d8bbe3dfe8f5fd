/**
 * The lab's reaper: a small detached process started with every bring-up. It watches the
 * process that owns the lab and, if that process dies without removing the lab (Ctrl-C that
 * killed a test run mid-way, SIGTERM, SIGKILL), removes it. It leaves alone a lab that
 * `anycast-verify up` finished on purpose, and exits as soon as the lab is gone.
 */
import { spawn } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabModel } from '../model/lab-model.js';
import type { LabProvider } from '../providers/api/lab-provider.js';
import { sleep } from '../os/poll.js';
import { silentProgress } from '../os/progress.js';
import { isSameProcessAlive, readState, stateFile } from '../os/run-state.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'anycast-verify.mjs');
const OWNER_WATCH = join(dirname(fileURLToPath(import.meta.url)), '..', 'os', 'owner-watch.mjs');

/**
 * Starts the reaper: a small plain-JS watch (helpers/os/owner-watch.mjs, ~0.1 s of CPU to
 * start) that runs this CLI's `reap` (~1.6 s of CPU to start, every bring-up's cost when it
 * ran from the start) only once the owner is gone; `reap` checks again and removes the lab.
 */
export function startReaper(model: LabModel, provider: string, owner: { pid: number; startTime: string }): void {
  const child = spawn(
    process.execPath,
    [
      OWNER_WATCH,
      '--state',
      stateFile(model.name),
      '--owner',
      String(owner.pid),
      '--owner-start',
      owner.startTime,
      '--',
      process.execPath,
      BIN,
      '-q',
      '-C',
      model.root,
      '--topology',
      relative(model.root, model.topology.path),
      '--fixtures',
      relative(model.root, model.fixturesDir),
      '--provider',
      provider,
      'reap',
      '--owner',
      String(owner.pid),
      '--owner-start',
      owner.startTime,
      // Last: `reap --owner PID ` is how a test (and a person) finds the reaper of a lab's owner.
      '--lab-name',
      model.name,
    ],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
}

export async function reap(
  provider: LabProvider,
  lab: string,
  owner: { pid: number; startTime: string },
): Promise<'gone' | 'kept' | 'removed'> {
  for (;;) {
    const st = readState(lab);
    if (!st || st.owner.pid !== owner.pid || st.owner.startTime !== owner.startTime) return 'gone';
    if (!isSameProcessAlive(owner)) {
      if (st.owner.persistent && st.ready) return 'kept';
      await provider.down({ progress: silentProgress });
      return 'removed';
    }
    await sleep(250);
  }
}
