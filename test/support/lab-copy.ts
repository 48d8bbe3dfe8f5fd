/**
 * A throw-away copy of the lab's source files (containerlab/, fixtures/ and intent.yaml) to mutate in a
 * test, so a test can prove that a broken input is caught, without touching the real files.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export interface LabCopy {
  root: string;
  read(file: string): string;
  write(file: string, text: string): void;
  /** Replaces `from` with `to` in a file; fails the test if `from` is not there (the mutation would be a no-op). */
  edit(file: string, from: string | RegExp, to: string): void;
}

/** A copy of the lab in `from` (default: this package's seed lab). */
export function labCopy(from = PROJECT_ROOT): LabCopy {
  // One level below a folder of its own, so nothing else in the system temp folder sits beside it.
  const base = mkdtempSync(join(tmpdir(), 'anycast-verify-test-'));
  const root = join(base, 'lab');
  cpSync(join(from, 'containerlab'), join(root, 'containerlab'), { recursive: true });
  cpSync(join(from, 'fixtures'), join(root, 'fixtures'), { recursive: true });
  if (existsSync(join(from, 'intent.yaml'))) cpSync(join(from, 'intent.yaml'), join(root, 'intent.yaml'));
  onTestFinished(() => rmSync(base, { recursive: true, force: true }));
  const read = (f: string) => readFileSync(join(root, f), 'utf8');
  const write = (f: string, t: string) => {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), t);
  };
  return {
    root,
    read,
    write,
    edit(f, from, to) {
      const before = read(f);
      const after = before.replace(from, to);
      if (after === before) throw new Error(`mutation did not apply: ${String(from)} not found in ${f}`);
      write(f, after);
    },
  };
}
