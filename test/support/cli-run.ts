/**
 * The CLI as the CLI tests run it: main() in-process with its output captured, or the real
 * entry point as a script runs it; temporary folders removed and stubs restored after each test
 * (call resetCliTest from afterEach).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import { main } from '../../helpers/cli/main.js';
import { PROJECT_ROOT } from './lab-copy.js';

const BIN = join(PROJECT_ROOT, 'bin', 'anycast-verify.mjs');

export interface Outcome {
  code: number | undefined;
  stdout: string;
  stderr: string;
}

/** main() in-process, its output captured; no runtime, so `check` runs no vtysh. */
export async function cli(...args: string[]): Promise<Outcome> {
  vi.stubEnv('ANYCAST_VERIFY_RUNTIMES', join(tmpdir(), 'anycast-verify-no-runtimes'));
  vi.stubEnv('ANYCAST_VERIFY_PROVIDER', undefined);
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  process.exitCode = undefined;
  try {
    await main(['node', 'anycast-verify', ...args]);
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
    vi.mocked(process.stderr.write).mockRestore();
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { code: code ?? 0, stdout, stderr };
}

/** The real entry point, as a script runs it. */
export async function bin(...args: string[]): Promise<Outcome> {
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, timeout: 60_000 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const made: string[] = [];
/** A temporary folder, removed by resetCliTest. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'anycast-verify-cli-'));
  made.push(d);
  return d;
}

/** After each test: mocks and env stubs restored, temporary folders removed. */
export function resetCliTest(): void {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
