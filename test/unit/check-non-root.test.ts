/**
 * `check` as a normal user: FRR's own vtysh loads every frr.conf from the runtime through a
 * user namespace (chroot needs CAP_SYS_CHROOT), and a dry run that cannot start is a
 * "not checked" note, never a problem in a file FRR did not read.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { chrootArgv, runtimeEnv } from '../../helpers/runtimes/in-runtime.js';
import { runtimeChoice } from '../../helpers/runtimes/resolve.js';
import { builtRuntime } from '../../helpers/runtimes/store.js';
import { CLI } from '../support/host.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

describe('check as a normal user', () => {
  it('enters the runtime through a user namespace unless it is root', () => {
    const inside = ['chroot', '/rt', ...runtimeEnv(['vtysh'])];
    expect(chrootArgv('/rt', ['vtysh'], 0)).toEqual(inside);
    expect(chrootArgv('/rt', ['vtysh'], 1000)).toEqual(['unshare', '--user', '--map-root-user', ...inside]);
  });

  it('the untouched seed lab passes, and a broken frr.conf line is still caught by FRR', async (ctx) => {
    // Becoming another user needs root; the runtime must be built for vtysh to run at all.
    if (process.getuid?.() !== 0) ctx.skip('not verified: switching to a normal user needs root');
    if (!builtRuntime(runtimeChoice(PROJECT_ROOT).suite)) ctx.skip('not verified: the runtime is not built');
    const c = labCopy();
    // mkdtemp makes 0700 folders: open the copy to the normal user, as a user's own checkout would be.
    chmodSync(dirname(c.root), 0o755);
    // The normal user's temp folder (tsx caches there) inside the copy, so it goes with it.
    const tmp = join(dirname(c.root), 'tmp');
    mkdirSync(tmp, { mode: 0o777 });
    chmodSync(tmp, 0o777);
    const asNobody = () =>
      execa(NOBODY[0]!, [...NOBODY.slice(1), process.execPath, CLI, '-C', c.root, 'check'], {
        reject: false,
        env: { TMPDIR: tmp },
      });
    const ok = await asNobody();
    expect(ok.stderr).not.toMatch(/problem/);
    expect(ok.stderr).not.toMatch(/FRR configs not loaded/);
    expect(ok.exitCode, ok.stderr).toBe(0);

    c.edit('containerlab/configs/leaf1.frr.conf', /$/, '\nneighbor-of-nothing 1.2.3.4\n');
    const bad = await asNobody();
    expect(bad.stderr).toMatch(/leaf1\.frr\.conf:\d+: .*FRR rejects this line/);
    expect(bad.exitCode).toBe(2);
  });
});
