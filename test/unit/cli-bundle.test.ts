/**
 * The CLI's bundle (bin/cli-bundle.mjs) behaves as the sources do through tsx, and is rebuilt
 * when a source changes. The commands compared read files by their own module's path
 * (`import.meta.dirname`: versions.env, .schemas), so a path resolved from the bundle's folder
 * instead would show in their output.
 */
import { execFile } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the entry point, without types
import { BUNDLE, staleReason } from '../../bin/cli-bundle.mjs';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const exec = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'anycast-verify.mjs');

async function run(args: string[], bundle: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, ANYCAST_VERIFY_CLI_BUNDLE: bundle ? '1' : '0' };
  delete env.ANYCAST_VERIFY_PROVIDER;
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env, cwd: PROJECT_ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the CLI bundle', () => {
  // `--version` reads package.json by its module's URL; `check --json` loads the model (versions.env
  // and .schemas by their module's folder) and prints every problem, note and "not checked".
  it.each([[['--version']], [['check', '--json']]])(
    '%j: the same exit code and output from the bundle as through tsx',
    async (args) => {
      const [fromBundle, fromSources] = await Promise.all([run(args, true), run(args, false)]);
      expect(fromBundle).toEqual(fromSources);
    },
    60_000,
  );

  it('is rebuilt when one of its sources is newer, and only then', async () => {
    await run(['--version'], true);
    const { version } = (await import('esbuild')) as { version: string };
    expect(staleReason(version)).toBeUndefined();
    expect(staleReason('0.0.0')).toBe(`built by esbuild ${version}, now 0.0.0`);
    const source = join(PROJECT_ROOT, 'helpers', 'model', 'version-pins.ts');
    const { atime, mtime } = statSync(source);
    const built = statSync(BUNDLE as string).mtime;
    try {
      utimesSync(source, atime, new Date(built.getTime() + 1000));
      expect(staleReason(version)).toBe('helpers/model/version-pins.ts changed');
      await run(['--version'], true);
      expect(staleReason(version)).toBeUndefined();
    } finally {
      utimesSync(source, atime, mtime);
    }
  }, 60_000);
});
