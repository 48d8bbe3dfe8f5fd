/**
 * A long-running command inside a lab container (`docker exec`), stoppable by its own PID.
 * Killing the `docker exec` client would leave the command running in the container, so the
 * wrapper prints the command's in-container PID first and `stop()` signals exactly that PID;
 * `timeout` bounds it in case the harness itself dies.
 */
import { spawn } from 'node:child_process';
import type { SpawnedProcess } from '../api/lab-handle.js';
import { stopIfOrphaned } from '../../os/orphaned-worker.js';

/** Upper bound on any observer's life inside a container (the longest failover run is far shorter). */
export const CONTAINER_PROCESS_MAX_SECONDS = 900;

/** The docker argv: `sh` prints its PID, then becomes `timeout … argv` under that same PID. */
export function containerProcessArgv(container: string, argv: string[]): string[] {
  return [
    'docker',
    'exec',
    container,
    'sh',
    '-c',
    `echo $$; exec timeout ${CONTAINER_PROCESS_MAX_SECONDS} "$@"`,
    'sh',
    ...argv,
  ];
}

export function spawnInContainer(
  container: string,
  argv: string[],
  encoding: 'utf8' | 'latin1' = 'utf8',
): SpawnedProcess {
  const [file, ...args] = containerProcessArgv(container, argv);
  const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let raw = '';
  let stderr = '';
  // latin1 keeps a binary stream's bytes (lab-handle.ts SpawnOptions); the PID line reads the same either way.
  child.stdout.setEncoding(encoding);
  child.stdout.on('data', (d: string) => (raw += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The first line is the PID; the rest is the command's output.
  const pid = () => /^(\d+)\n/.exec(raw)?.[1];
  const output = () => (pid() ? raw.slice(raw.indexOf('\n') + 1) : '');
  const done = new Promise<{ stdout: string; stderr: string; exitCode: number }>((resolve) => {
    child.on('close', (code) => resolve({ stdout: output(), stderr, exitCode: code ?? 1 }));
    child.on('error', (err) => resolve({ stdout: output(), stderr: `${stderr}${err.message}`, exitCode: 127 }));
  });
  return stopIfOrphaned({
    done,
    output,
    errorOutput: () => stderr,
    stop: () => {
      const p = pid();
      if (p) spawn('docker', ['exec', container, 'kill', '-TERM', p], { stdio: 'ignore' }).on('error', () => undefined);
      else child.kill('SIGTERM');
    },
  });
}
