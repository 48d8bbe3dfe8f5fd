/** The emulated fabric's daemons run ahead of the harness on a contended host (processes.ts FABRIC_NICE). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FABRIC_NICE, spawnDetached, stopProcesses } from '../../helpers/providers/netns/processes.js';
import { Deadline, waitUntil } from '../../helpers/os/poll.js';

const dir = mkdtempSync(join(tmpdir(), 'anycast-verify-nice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The 19th field of /proc/<pid>/stat (the 17th after the parenthesised name): the nice value. */
const niceOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);

describe('fabric priority', () => {
  it('starts a daemon at the fabric nice value under its own PID (nice execs it in place), and so the processes it starts', async () => {
    // A daemon that starts a child, as watchfrr starts FRR's daemons; the nice value needs no namespace.
    const rec = spawnDetached('test', 'sleeper', ['sh', '-c', 'sleep 30 & wait'], join(dir, 'log'));
    try {
      await waitUntil(async () => (childrenOf(rec.pid).length ? undefined : 'no child yet'), {
        deadline: new Deadline(5000),
        graceMs: 0,
        what: 'the sleeper to start its child',
      });
      // Root may raise a priority; anyone else gets nice(1)'s refusal in the log and 0.
      const expected = process.getuid?.() === 0 ? FABRIC_NICE : 0;
      expect(readFileSync(`/proc/${rec.pid}/comm`, 'utf8').trim(), 'the PID is the daemon, not nice').toBe('sh');
      expect(niceOf(rec.pid)).toBe(expected);
      expect(childrenOf(rec.pid).map(niceOf)).toEqual([expected]);
    } finally {
      // The child first, by its PID (this test started it), then the daemon.
      for (const pid of childrenOf(rec.pid)) process.kill(pid, 'SIGKILL');
      await stopProcesses([rec], 'kill');
    }
  });
});
