/** Running host commands with execa: one place for timeouts and readable failures. */
import { execa } from 'execa';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  /** When false, a non-zero exit is returned instead of thrown. */
  reject?: boolean;
  env?: Record<string, string>;
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n    ');
    super(`command failed (exit ${result.exitCode}): ${argv.join(' ')}${detail ? `\n    ${detail}` : ''}`);
    this.name = 'CommandError';
  }
}

export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  const r = await execa(file!, args, {
    input: opts.input,
    timeout: opts.timeoutMs ?? 30_000,
    reject: false,
    env: opts.env,
    stripFinalNewline: false,
  });
  const result: RunResult = {
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    exitCode: r.exitCode ?? (r.timedOut ? 124 : 1),
  };
  if (r.timedOut) result.stderr += `\n(timed out after ${opts.timeoutMs ?? 30_000} ms)`;
  if (opts.reject !== false && result.exitCode !== 0) throw new CommandError(argv, result);
  return result;
}

/** True when `name` is an executable on PATH (or an absolute executable path): looked up as exec(3) does, with no shell. */
export async function haveCommand(name: string, path = process.env.PATH ?? ''): Promise<boolean> {
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(':')
        .filter(Boolean)
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return true;
    } catch {
      // not here: the next PATH entry
    }
  }
  return false;
}
