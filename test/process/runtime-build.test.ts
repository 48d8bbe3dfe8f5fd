/**
 * Building a runtime, where it can go wrong: no mirror (offline), and Ctrl-C in the middle.
 * Either way no runtime a later run would use is left, nor its partial folder, nor a mount.
 * Each test builds into a throw-away runtimes folder (ANYCAST_VERIFY_RUNTIMES).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { debianMirror } from '../../helpers/runtimes/build.js';
import { CLI, outputContains, startCli } from '../support/host.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function nothingLeft(folder: string): string[] {
  const out = readdirSync(folder).filter((e) => !e.endsWith('.lock-target'));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(folder));
  const procs = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmd.includes(folder) ? [`process ${p}: ${cmd}`] : [];
      } catch {
        return [];
      }
    });
  return [...out.map((e) => `entry ${e}`), ...mounts.map((m) => `mount ${m}`), ...procs];
}

describe('building a runtime', () => {
  it('offline: a clear error naming the mirror, and nothing kept', async () => {
    dir = mkdtempSync(join(tmpdir(), 'av-runtimes-'));
    // Really offline: a throw-away network namespace with nothing in it (`unshare --net`), so
    // the build's fetches fail and no packet leaves it.
    const r = await execa('unshare', ['--net', process.execPath, CLI, 'runtimes', 'build', 'bookworm'], {
      reject: false,
      all: true,
      env: { ANYCAST_VERIFY_RUNTIMES: dir },
    });
    // 3: the host cannot build the runtime (helpers/cli/exit-codes.ts).
    expect(r.exitCode, r.all).toBe(3);
    expect(r.all).toContain(`could not fetch Debian "bookworm" from ${debianMirror()} (offline?`);
    expect(nothingLeft(dir)).toEqual([]);
    const list = await startCli(['runtimes', 'list', '--json'], { ANYCAST_VERIFY_RUNTIMES: dir });
    expect(
      (JSON.parse(list.stdout) as { suite: string; built: boolean }[]).find((x) => x.suite === 'bookworm')?.built,
    ).toBe(false);
  });

  it('Ctrl-C during debootstrap: exit 130, no runtime, no partial folder, no mount', async () => {
    dir = mkdtempSync(join(tmpdir(), 'av-runtimes-'));
    const child = startCli(['runtimes', 'build', 'bookworm'], { ANYCAST_VERIFY_RUNTIMES: dir });
    await outputContains(child, 'building runtime "bookworm"');
    // Let debootstrap get going (it downloads and unpacks for ~30 s), then interrupt the whole job.
    await new Promise((r) => setTimeout(r, 4000));
    expect(
      readdirSync(dir).some((e) => e.startsWith('.partial-bookworm-')),
      'the build had started writing',
    ).toBe(true);
    process.kill(-child.pid!, 'SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(existsSync(join(dir, 'bookworm', 'manifest.json'))).toBe(false);
    expect(nothingLeft(dir)).toEqual([]);
  }, 60_000);
});
