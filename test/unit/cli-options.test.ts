/**
 * Every global option works before and after the subcommand. The CLI is run as a user runs
 * it (bin/anycast-verify.mjs); `check` and `plan` start no lab (`plan` only prints). Each
 * case points -C at a changed copy of the lab, so the output proves the option was read.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const exec = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'anycast-verify.mjs');

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { ...process.env };
  delete env.ANYCAST_VERIFY_PROVIDER;
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env, cwd: PROJECT_ROOT, timeout: 60_000 });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('global options before or after the subcommand', () => {
  it('plan: --provider and -C on either side give the same plan of the copy', { timeout: 120_000 }, async () => {
    const c = labCopy();
    c.edit(
      'containerlab/anycast.clab.yml',
      'anycast-verify/node-ip: 192.168.49.2/24',
      'anycast-verify/node-ip: 192.168.49.130/24',
    );
    c.edit('containerlab/configs/leaf2.frr.conf', /neighbor 192\.168\.49\.2 /g, 'neighbor 192.168.49.130 ');
    const forms = [
      ['--provider', 'containerlab', '-C', c.root, 'plan'],
      ['plan', '--provider', 'containerlab', '-C', c.root],
      ['-C', c.root, 'plan', '-p', 'containerlab'],
    ];
    const outs = await Promise.all(forms.map(cli));
    for (const [i, o] of outs.entries()) {
      expect(o.stderr, forms[i]!.join(' ')).not.toMatch(/unknown option/);
      expect(o.code, `${forms[i]!.join(' ')}: ${o.stderr}`).toBe(0);
      expect(o.stdout, forms[i]!.join(' ')).toContain('--static-ip=192.168.49.130');
    }
    expect(outs[1]!.stdout).toBe(outs[0]!.stdout);
    expect(outs[2]!.stdout).toBe(outs[0]!.stdout);
  });

  it('plan without the containerlab provider is refused the same way on either side', { timeout: 60_000 }, async () => {
    for (const form of [
      ['--provider', 'netns', 'plan'],
      ['plan', '--provider', 'netns'],
    ]) {
      const o = await cli(form);
      // A usage error (helpers/cli/exit-codes.ts): the command line asked for what plan does not do.
      expect(o.code, form.join(' ')).toBe(64);
      expect(o.stderr, form.join(' ')).toMatch(/`plan` describes the containerlab provider/);
    }
  });

  it(
    'check: -C on either side checks the copy (a broken copy fails with exit 2, naming the file)',
    { timeout: 120_000 },
    async () => {
      const c = labCopy();
      c.edit(
        'containerlab/configs/leaf2.frr.conf',
        /neighbor 192\.168\.49\.2 remote-as \d+/,
        'neighbor 192.168.49.2 remote-as 65999',
      );
      for (const form of [
        ['-C', c.root, 'check'],
        ['check', '-C', c.root],
        ['check', '--dir', c.root, '-q'],
      ]) {
        const o = await cli(form);
        expect(o.stderr, form.join(' ')).not.toMatch(/unknown option/);
        expect(o.code, `${form.join(' ')}: ${o.stderr}`).toBe(2);
        expect(o.stderr, form.join(' ')).toMatch(/leaf2\.frr\.conf/);
      }
      // The same command on the unchanged project passes: the failure above came from the copy.
      expect((await cli(['check', '-C', PROJECT_ROOT])).code).toBe(0);
    },
  );
});
