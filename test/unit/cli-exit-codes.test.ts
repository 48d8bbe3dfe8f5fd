/**
 * Every class of exit code (helpers/cli/exit-codes.ts), reached the way a user reaches it:
 * 0 ok, 1 a regression, 2 invalid lab files, 3 the lab not up, 64 a usage error (commander's
 * own and a bad numeric value), 70 a crash; `--help` and `--version` exit 0. Most cases call
 * main() in-process (no lab, no tool is started); a few run bin/anycast-verify.mjs to prove
 * the code reaches the process's exit status.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommanderError, InvalidArgumentError } from 'commander';
import { main } from '../../helpers/cli/main.js';
import { EXIT, exitFor, UsageError } from '../../helpers/cli/exit-codes.js';
import { integerOption, nonNegativeNumber } from '../../helpers/cli/option-values.js';
import { NotConvergedError } from '../../helpers/lab/bring-up.js';
import { LabConfigError } from '../../helpers/model/errors.js';
import { LabBusyError, LabNotUpError, PreflightError } from '../../helpers/providers/api/lab-provider.js';
import type { RunResults } from '../../helpers/report/compare.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const BIN = join(PROJECT_ROOT, 'bin', 'anycast-verify.mjs');
const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Outcome {
  code: number | undefined;
  stdout: string;
  stderr: string;
}

/** main() in-process, its output captured; no runtime, so `check` runs no vtysh. */
async function cli(...args: string[]): Promise<Outcome> {
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
async function bin(...args: string[]): Promise<Outcome> {
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, timeout: 60_000 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const made: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'anycast-verify-cli-'));
  made.push(d);
  return d;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A results file whose failover took `moved` seconds. */
function results(dir: string, name: string, moved: number): string {
  const r: RunResults = {
    tests: [
      { name: 'sessions ok', state: 'passed' },
      {
        name: 'failover silent-drop',
        state: 'passed',
        metrics: [{ key: 'failover.moved', name: 'fabric moved to survivors after', value: moved, unit: 's' }],
      },
    ],
  };
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(r));
  return file;
}

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

  it('test refuses --topology, which the suites would not read', async () => {
    const r = await cli('-C', PROJECT_ROOT, 'test', '--topology', 'other.clab.yml');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--topology and --fixtures are not passed on/);
  });
});

describe('compare: 1 on a regression, 0 without, 64 on a bad tolerance', () => {
  it('a typo in --ratio no longer silences the gate', async () => {
    const d = tempDir();
    const base = results(d, 'base.json', 10);
    const now = results(d, 'now.json', 20);
    // The regression as the gate sees it with its default tolerance…
    const gate = await cli('compare', now, base);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/^1 regression against /);
    // …is not turned into "no regression, exit 0" by a value that is not a number.
    const typo = await cli('compare', now, base, '--ratio', 'abc');
    expect(typo.code).toBe(64);
    expect(typo.stdout).not.toMatch(/no regression/);
    expect(typo.stderr).toMatch(/option '--ratio <r>' argument 'abc' is invalid/);
    // A real ratio is read: doubling is within 150 %.
    const loose = await cli('compare', now, base, '--ratio', '1.5');
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/^no regression against /);
  });

  it('--json: the regressions on stdout, the exit code unchanged', async () => {
    const d = tempDir();
    const base = results(d, 'base.json', 10);
    const now = results(d, 'now.json', 20);
    const r = await cli('compare', now, base, '--json', '--slack', '0');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { regressions: { test: string; what: string }[]; tolerance: object };
    expect(doc.tolerance).toEqual({ ratio: 0.25, slackSeconds: 0 });
    expect(doc.regressions).toEqual([{ test: 'failover silent-drop', what: expect.stringContaining('20') as string }]);
    const same = await cli('compare', base, base, '--json');
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { regressions: unknown[] }).regressions).toEqual([]);
  });

  it('a results file that is not there is a usage error naming it (not a crash)', async () => {
    const d = tempDir();
    const r = await cli('compare', join(d, 'missing.json'), results(d, 'base.json', 10));
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`results ${join(d, 'missing.json')}: ENOENT`);
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

describe('numeric option values', () => {
  it.each(['0', '7', ' 12 '])('integerOption(0) takes %j', (v) => expect(integerOption(0)(v)).toBe(Number(v)));
  it.each(['', ' ', '-1', '1.5', '1e3', '0x10', 'Infinity', 'NaN', '9007199254740993'])(
    'integerOption(0) refuses %j',
    (v) => expect(() => integerOption(0)(v)).toThrow(InvalidArgumentError),
  );
  it('integerOption with a range names it', () => expect(() => integerOption(1, 8)('9')).toThrow(/from 1 to 8/));
  it.each(['0', '0.25', '.5', '3.', '2'])('nonNegativeNumber takes %j', (v) =>
    expect(nonNegativeNumber(v)).toBe(Number(v)),
  );
  it.each(['abc', '', '-0.1', '1e3', 'Infinity', '0,25'])('nonNegativeNumber refuses %j', (v) =>
    expect(() => nonNegativeNumber(v)).toThrow(InvalidArgumentError),
  );
});
