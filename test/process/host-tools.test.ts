/**
 * A fresh host needs only Node.js and what scripts/setup.sh installs: the netns provider runs
 * the host programs of HOST_TOOLS and everything else from the runtime. Proved by running the
 * CLI with PATH reduced to exactly that list (plus Node.js): preflight passes and a lab comes
 * up, converges, answers `status` and goes. Take a tool away and preflight names the tool and
 * its package, never a kernel feature.
 */
import { execa } from 'execa';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_TOOLS } from '../../helpers/providers/netns/host-tools.js';
import { haveCommand } from '../../helpers/os/command.js';
import { CLI, expectHostClean, namedCopy } from '../support/host.js';

/** A folder holding only the listed host tools, as links to this host's own, for PATH. */
async function reducedPath(root: string, tools: readonly string[]): Promise<string> {
  const bin = join(root, 'host-bin');
  mkdirSync(bin);
  for (const t of tools) {
    const where = (process.env.PATH ?? '').split(':').map((d) => join(d, t));
    const found = await Promise.all(where.map((w) => haveCommand(w)));
    const at = where[found.indexOf(true)];
    expect(at, `${t} on this host (the test links to it)`).toBeDefined();
    symlinkSync(at!, join(bin, t));
  }
  return bin;
}

describe('the host needs only HOST_TOOLS and Node.js', () => {
  it('with PATH reduced to them: preflight passes, the lab comes up, converges, answers status, and goes', async () => {
    const { copy, model } = namedCopy('pt-path');
    const bin = await reducedPath(
      copy.root,
      HOST_TOOLS.map((t) => t.cmd),
    );
    const cli = (...args: string[]) =>
      execa(process.execPath, [CLI, '-C', copy.root, ...args], { reject: false, all: true, env: { PATH: bin } });
    const up = await cli('up');
    expect(up.all).toMatch(/is up and converged/);
    expect(up.exitCode, up.all).toBe(0);
    const status = await cli('status');
    expect(status.exitCode, status.all).toBe(0);
    expect(status.all).toMatch(/Established/);
    const down = await cli('down');
    expect(down.exitCode, down.all).toBe(0);
    await expectHostClean(model);
  }, 180_000);

  it('without ip: preflight names the tool and its package, and no kernel feature', async () => {
    const { copy, model } = namedCopy('pt-noip');
    const bin = await reducedPath(
      copy.root,
      HOST_TOOLS.map((t) => t.cmd).filter((t) => t !== 'ip'),
    );
    const r = await execa(process.execPath, [CLI, '-C', copy.root, 'up'], {
      reject: false,
      all: true,
      env: { PATH: bin },
    });
    expect(r.all).toContain('ip not found (apt-get install -y iproute2)');
    expect(r.all).not.toMatch(/kernel lacks/);
    expect(r.exitCode).not.toBe(0);
    await expectHostClean(model);
  });
});
