#!/usr/bin/env node
// Watches a lab's owner for the reaper (helpers/lab/reaper.ts) and runs the reaper's full
// command only once the owner is gone:
//   owner-watch.mjs --state <state.json> --owner PID --owner-start TICKS -- <argv…>
// Every 250 ms it reads the run-state record: gone, or owned by another process → exit 0 (the
// lab was removed or taken over). The owner no longer alive (PID and start time, not a zombie:
// helpers/os/run-state.ts isSameProcessAlive) → run <argv…> (`anycast-verify … reap`, which
// checks again and removes the lab) and exit with its status.
// Plain JavaScript with no imports of its own on purpose: it starts in ~0.1 s of CPU, where
// the anycast-verify CLI takes ~1.6 s, paid by every bring-up on a host where bring-up is
// CPU-bound (docs/versions-and-findings.md#bring-up-to-converged).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const dash = process.argv.indexOf('--');
const { values } = parseArgs({
  args: process.argv.slice(2, dash < 0 ? undefined : dash),
  options: {
    state: { type: 'string' },
    owner: { type: 'string' },
    'owner-start': { type: 'string' },
  },
});
const command = dash < 0 ? [] : process.argv.slice(dash + 1);
if (!values.state || !values.owner || !values['owner-start'] || command.length === 0) {
  process.stderr.write('usage: owner-watch.mjs --state <file> --owner PID --owner-start TICKS -- <argv…>\n');
  process.exit(64);
}
const owner = { pid: Number(values.owner), startTime: values['owner-start'] };

/** The fields after the command name of /proc/PID/stat (the name may hold spaces), or undefined when gone. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const ownerAlive = () => {
  const f = statFields(owner.pid);
  // f[0] is the state (Z: zombie), f[19] the start time (field 22).
  return f !== undefined && f[19] === owner.startTime && f[0] !== 'Z';
};

function stillOwned() {
  try {
    const st = JSON.parse(readFileSync(values.state, 'utf8'));
    return st?.owner?.pid === owner.pid && st?.owner?.startTime === owner.startTime;
  } catch {
    // Gone (removed by `down`). A half-written record cannot be seen: it is written by rename.
    return false;
  }
}

function watch() {
  if (!stillOwned()) process.exit(0);
  if (ownerAlive()) {
    setTimeout(watch, 250);
    return;
  }
  const child = spawn(command[0], command.slice(1), { stdio: 'ignore' });
  child.on('error', () => process.exit(70));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
watch();
