/**
 * Every class of exit code (helpers/cli/exit-codes.ts), reached the way a user reaches it:
 * 0 ok, 2 invalid lab files, 3 the lab not up, 64 a usage error (commander's own and a bad
 * numeric value), 70 a crash; `--help` and `--version` exit 0 (compare's 1 on a regression:
 * cli-compare.test.ts). Most cases call main() in-process (no lab, no tool is started); a few
 * run bin/anycast-verify.mjs to prove the code reaches the process's exit status.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommanderError, InvalidArgumentError } from 'commander';
import { EXIT, exitFor, UsageError } from '../../helpers/cli/exit-codes.js';
import { NotConvergedError } from '../../helpers/lab/bring-up.js';
import { LabConfigError } from '../../helpers/model/errors.js';
import { LabBusyError, LabNotUpError, PreflightError } from '../../helpers/providers/api/lab-provider.js';
import { bin, cli, resetCliTest, tempDir } from '../support/cli-run.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

afterEach(resetCliTest);

describe('--help and --version exit 0', () => {
  it('--version prints the package version (the real entry point)', async () => {
    const r = await bin('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('--help lists the commands, test among them, and exits 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: anycast-verify /);
    expect(r.stdout).toMatch(/\n {2}test \[options\] \[suites\.\.\.\]/);
    expect(r.stdout).toMatch(/-V, --version/);
  });

  it('a subcommand --help exits 0 too', async () => {
    const r = await cli('compare', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--ratio <r>/);
  });
});

describe('usage errors exit 64', () => {
  it('an unknown option (the real entry point)', async () => {
    const r = await bin('check', '--no-such-option');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/unknown option '--no-such-option'/);
  });

  it.each([
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['a missing argument', ['exec'], /missing required argument 'node'/],
    ['no command at all', [], /Usage: anycast-verify/],
    ['a choice not offered', ['up', '--runtime', 'potato'], /'--runtime <suite>' argument 'potato' is invalid/],
    ['a bad --provider', ['-p', 'vmware', 'check'], /argument 'vmware' is invalid/],
  ])('%s', async (_name, args, want) => {
    const r = await cli(...args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(want);
  });

  it.each([
    ['matrix', '--repeat', '0'],
    ['matrix', '--repeat', 'two'],
    ['matrix', '--repeat', '1.5'],
    ['generate', '--clusters', 'three'],
    ['generate', '--spines', ''],
    ['compare', '--slack', '-1'],
    ['compare', '--ratio', '1e3'],
    ['reap', '--owner', 'pid1'],
  ])('%s %s %j: names the option and the value', async (cmd, opt, value) => {
    const rest =
      cmd === 'generate'
        ? ['--out', tempDir()]
        : cmd === 'compare'
          ? ['a.json', 'b.json']
          : cmd === 'reap'
            ? ['--owner-start', '1']
            : [];
    const r = await cli(cmd, ...rest, opt, value);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`option '${opt} <`);
    expect(r.stderr).toContain(`argument '${value}' is invalid`);
  });

  it('plan on the netns provider is refused as a usage error', async () => {
    const r = await cli('--provider', 'netns', 'plan');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/`plan` describes the containerlab provider/);
  });

  it('exec: no command, or a node the topology lacks, before any lab is looked for', async () => {
    const none = await cli('-C', PROJECT_ROOT, 'exec', 'leaf1', '--');
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/no command given/);
    const ghost = await cli('-C', PROJECT_ROOT, 'exec', 'leaf9', '--', 'true');
    expect(ghost.code).toBe(64);
    expect(ghost.stderr).toMatch(/no node "leaf9" in the lab \(nodes: .*leaf1/);
  });

  it('test reads --topology as every command does (the suites get it too): a missing file is exit 2, before any lab', async () => {
    const r = await cli('-C', PROJECT_ROOT, 'test', '--topology', 'other.clab.yml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/other\.clab\.yml: \(file\): cannot read/);
  });
});

describe('check: 2 on invalid files, 0 on valid ones; --json with file, field and line', () => {
  it('a broken copy: exit 2, and --json lists the problem where it is', async () => {
    const c = labCopy();
    c.edit('fixtures/cilium/lb-ip-pool.yaml', 'stop: 172.30.0.20', 'stop: 172.30.0.256');
    const human = await cli('-C', c.root, 'check');
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/lb-ip-pool\.yaml:\d+: spec\.blocks\[0\]\.stop/);
    const r = await cli('-C', c.root, 'check', '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; problems: { file: string; field: string; line?: number }[] };
    expect(doc.ok).toBe(false);
    expect(doc.problems).toContainEqual(
      expect.objectContaining({
        file: 'fixtures/cilium/lb-ip-pool.yaml',
        field: 'spec.blocks[0].stop',
        line: expect.any(Number) as number,
      }),
    );
  });

  it('test on a broken copy: exit 2 before any lab or suite is started', async () => {
    const c = labCopy();
    c.edit('fixtures/cilium/lb-ip-pool.yaml', 'start: 172.30.0.10', 'start: 172.30.0.1O');
    const r = await cli('-C', c.root, 'test');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lb-ip-pool\.yaml:\d+: spec\.blocks\[0\]\.start/);
    expect(r.stdout).toBe('');
  });

  it('the project: exit 0, and --json says what was not checked (no runtime here)', async () => {
    const human = await cli('-C', PROJECT_ROOT, 'check');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ok: /);
    const r = await cli('-C', PROJECT_ROOT, 'check', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; lab: string; problems: unknown[]; notChecked: string[] };
    expect(doc).toMatchObject({ ok: true, lab: 'anycast', problems: [] });
    expect(doc.notChecked).toContainEqual(expect.stringMatching(/^FRR configs not loaded in FRR/));
  });
});

describe('3 when the lab is not up', () => {
  it('status on a lab that was never started', async () => {
    const c = labCopy();
    c.edit('containerlab/anycast.clab.yml', /^name: anycast$/m, 'name: cli-never-up');
    vi.stubEnv('ANYCAST_VERIFY_RUN_DIR', tempDir());
    const r = await cli('-C', c.root, 'status');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/lab "cli-never-up" is not up/);
  });
});

describe('each error class to its code', () => {
  it.each([
    [new LabConfigError([{ file: 'f', field: 'x', message: 'bad' }]), EXIT.invalidLab],
    [new PreflightError(['no ip']), EXIT.notReady],
    [new LabNotUpError('not up'), EXIT.notReady],
    [new LabBusyError('already up'), EXIT.notReady],
    [new NotConvergedError('leaf1: session Active'), EXIT.failed],
    [new UsageError('wrong'), EXIT.usage],
    [new InvalidArgumentError('not a number'), EXIT.usage],
    [new CommanderError(1, 'commander.unknownOption', 'printed already'), EXIT.usage],
    [new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), EXIT.ok],
    [new Error('a command of ours failed'), EXIT.internal],
    [new TypeError("Cannot read properties of undefined (reading 'x')"), EXIT.internal],
  ] as const)('%s → %i', (err, code) => {
    expect(exitFor(err).code).toBe(code);
  });

  it('commander printed its own errors; ours are printed once; a crash says so, with where', () => {
    expect(exitFor(new CommanderError(1, 'commander.unknownOption', 'x')).message).toBeUndefined();
    expect(exitFor(new UsageError('wrong')).message).toBe('wrong');
    const crash = exitFor(new TypeError('boom')).message!;
    expect(crash).toMatch(/^internal error: boom\n\s+at /);
    expect(exitFor(new Error('plain')).message).toBe('internal error: plain');
  });
});
