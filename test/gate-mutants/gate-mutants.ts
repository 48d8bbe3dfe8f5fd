/**
 * `npm run gate-mutants`: the regression gate's own mutation score. For each planted regression
 * (./plants.ts: a live FRR knob on one router) and for clean runs, one at a time: bring the lab
 * up, plant (and prove it took), run the failover suite's faults that cross the planted link on
 * that running lab, take the lab down. Then judge with the gate itself (`compare`'s code):
 * every planted run must be flagged at the router and event it was planted at; every clean run,
 * held to a baseline of the *other* clean runs (leave one out), must be flagged nowhere.
 * Runs are interleaved (clean, each plant, clean, …) so a change in the host's load falls on
 * both alike, and kept in the output folder: a cut-off harness resumes where it stopped.
 *
 * Writes <out>/gate-mutants.md and .json; exit 0 when every plant was caught in every run and no
 * clean run was flagged, 1 otherwise, 2 on a harness error (a lab that did not come up, a plant
 * that did not take: named, never counted as "missed").
 */
import { Command, InvalidArgumentError } from 'commander';
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { RunResults } from '../../helpers/report/compare.js';
import { allCaught, judgeClean, judgePlant, measuredSamples, verdictTables } from './judge.js';
import { availableParallelism } from 'node:os';
import { plantSites, plantsFor, type Plant } from './plants.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin', 'anycast-verify.mjs');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};

const program = new Command('gate-mutants')
  .description(
    'plant behavioural regressions in a running lab, run the failover faults that cross them, and check the gate flags each at the right router and event, and flags nothing on clean runs',
  )
  .option('-C, --dir <path>', 'the lab folder (a renamed copy if another lab of its name may run)', ROOT)
  .option('--runtime <name>', 'netns runtime (default: as `up` picks)')
  .option('--runs <n>', 'runs per plant', count, 5)
  .option('--clean <n>', 'clean runs (each judged against the others: 11 gives every one a 10-run baseline)', count, 11)
  .option('--only <names...>', 'only these plants (names as listed in the table)')
  .option('--out <dir>', 'where runs and tables go', join(ROOT, 'reports', 'gate-mutants'))
  .option('--fresh', 'start over (default: keep the runs already in --out and add what is missing)')
  .option(
    '--busy',
    'keep one core busy during each run (as scripts/flake-loop.sh): the harshest condition the suites are held to',
  )
  .option(
    '--measure',
    "write the clean runs' hop excesses and injections as helpers/faults/measured-allowances.json reads them",
  )
  .option(
    '--lock <file>',
    'hold an flock(1) lock on this file around each run (a host shared with other timed lab runs)',
  )
  .parse();
const opts = program.opts<{
  dir: string;
  runtime?: string;
  runs: number;
  clean: number;
  only?: string[];
  out: string;
  fresh?: boolean;
  lock?: string;
  busy?: boolean;
  measure?: boolean;
}>();

class HarnessError extends Error {}

const say = (m: string) => process.stderr.write(`gate-mutants: ${m}\n`);
const cli = (args: string[]) => execa(process.execPath, [CLI, '-C', opts.dir, ...args], { reject: false, all: true });

async function vtyshConfig(router: string, lines: string[]): Promise<void> {
  const r = await cli(['exec', router, '--', 'vtysh', '-c', 'configure terminal', ...lines.flatMap((l) => ['-c', l])]);
  if (r.exitCode !== 0) throw new HarnessError(`vtysh on ${router} (${lines.join('; ')}): ${r.all}`);
}

async function plant(p: Plant): Promise<void> {
  await vtyshConfig(p.router, p.config);
  const running = await cli(['exec', p.router, '--', 'vtysh', '-c', 'show running-config']);
  if (!running.stdout.split('\n').some((l) => l.trim() === p.evidence))
    throw new HarnessError(`planted "${p.what}" but ${p.router}'s running config has no "${p.evidence}"`);
}

/**
 * Holds `--lock` until the returned release is called: flock(1) runs `cat`, which says nothing
 * and ends when its stdin closes (the release, or this process dying), and flock with it. Nothing
 * outlives the harness holding the lock (a child that did would keep its descriptor, and the lock).
 */
async function takeLock(): Promise<() => void> {
  if (!opts.lock) return () => undefined;
  const holder = execa('flock', [opts.lock, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    reject: false,
    stdin: 'pipe',
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.once('data', () => resolve());
    holder.once('exit', (code) => reject(new HarnessError(`flock ${opts.lock} exited ${code} before locking`)));
  });
  return () => void holder.stdin!.end();
}

/** One run: up, plant (or not), the faults on the running lab, down (whatever happened). */
async function oneRun(label: string, faults: string[], p: Plant | undefined): Promise<RunResults> {
  const reports = join(opts.out, label);
  const file = join(reports, 'results.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as RunResults;
  const release = await takeLock();
  try {
    return await labRun(label, faults, p);
  } finally {
    release();
  }
}

async function labRun(label: string, faults: string[], p: Plant | undefined): Promise<RunResults> {
  const reports = join(opts.out, label);
  const file = join(reports, 'results.json');
  rmSync(reports, { recursive: true, force: true });
  const t0 = performance.now();
  // A bounded busy loop (it ends by itself if this harness dies), stopped by its PID after the run.
  const busy = opts.busy ? execa('timeout', ['900', 'sh', '-c', 'while :; do :; done'], { reject: false }) : undefined;
  try {
    return await labSteps(label, faults, p, { reports, file, t0 });
  } finally {
    busy?.kill();
    await busy;
  }
}

async function labSteps(
  label: string,
  faults: string[],
  p: Plant | undefined,
  { reports, file, t0 }: { reports: string; file: string; t0: number },
): Promise<RunResults> {
  const up = await cli(['up', ...(opts.runtime ? ['--runtime', opts.runtime] : [])]);
  try {
    if (up.exitCode !== 0) throw new HarnessError(`the lab did not come up for ${label}:\n${up.all}`);
    if (p) await plant(p);
    const t = await execa(
      process.execPath,
      [VITEST, 'run', '--project', 'lab', 'suites/4-failover.test.ts', '-t', faults.join('|')],
      {
        cwd: ROOT,
        reject: false,
        all: true,
        env: { ANYCAST_VERIFY_REUSE: '1', ANYCAST_VERIFY_DIR: opts.dir, ANYCAST_VERIFY_REPORTS: reports },
      },
    );
    writeFileSync(join(reports, 'vitest.log'), t.all ?? '');
    if (!existsSync(file))
      throw new HarnessError(`${label}: the suite left no results.json (exit ${t.exitCode}):\n${t.all}`);
  } finally {
    const down = await cli(['down']);
    if (down.exitCode !== 0) say(`down after ${label} failed: ${down.all}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(join(reports, 'run-seconds'), `${seconds.toFixed(1)}\n`);
  say(`${label}: ${seconds.toFixed(0)} s`);
  return JSON.parse(readFileSync(file, 'utf8')) as RunResults;
}

/** How long a run took (written beside its results; 0 for one from before it was kept). */
function runSeconds(label: string): number {
  const f = join(opts.out, label, 'run-seconds');
  return existsSync(f) ? Number(readFileSync(f, 'utf8')) : 0;
}

async function main(): Promise<number> {
  const t0 = performance.now();
  if (opts.fresh) rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(opts.out, { recursive: true });
  const model = loadLabModel({ root: opts.dir });
  const plants = plantsFor(plantSites(model)).filter((p) => !opts.only || opts.only.includes(p.name));
  if (opts.only && plants.length !== opts.only.length)
    throw new HarnessError(
      `--only names no plant: ${opts.only.join(', ')} (plants: ${plantsFor(plantSites(model))
        .map((p) => p.name)
        .join(', ')})`,
    );
  // Measuring also times a crashed speaker's start and a fabric session's re-opening, which only
  // speaker-crash and uplink-down show.
  const measured = opts.measure ? ['speaker-crash', 'uplink-down'] : [];
  const faults = [...new Set([...plants.flatMap((p) => p.faults), ...measured])];
  say(
    `${plants.length} plants × ${opts.runs} runs, ${opts.clean} clean runs, faults ${faults.join(', ')}; runs in ${opts.out}`,
  );
  const clean: { label: string; results: RunResults }[] = [];
  const planted = new Map(plants.map((p) => [p, [] as { label: string; results: RunResults }[]]));
  for (let round = 1; round <= Math.max(opts.runs, opts.clean); round++) {
    if (round <= opts.clean)
      clean.push({ label: `clean-${round}`, results: await oneRun(`clean-${round}`, faults, undefined) });
    if (round > opts.runs) continue;
    for (const p of plants) {
      const label = `${p.name}-${round}`;
      planted.get(p)!.push({ label, results: await oneRun(label, faults, p) });
    }
  }
  const cleanVerdicts = judgeClean(clean);
  const plantVerdicts = plants.map((p) =>
    judgePlant(
      p,
      planted.get(p)!,
      clean.map((c) => c.results),
    ),
  );
  const wall = (performance.now() - t0) / 1000;
  const table = verdictTables(plantVerdicts, cleanVerdicts);
  const labSeconds = [...clean, ...[...planted.values()].flat()].map((r) => runSeconds(r.label));
  const md = `# Gate mutants (${new Date().toISOString().slice(0, 10)})\n\n${table}\n\n${labSeconds.length} runs took ${labSeconds.reduce((a, b) => a + b, 0).toFixed(0)} s (each: bring-up, plant, the faults, down); this harness ${wall.toFixed(0)} s (runs kept from an earlier one are not re-run). Runs: ${opts.out}\n`;
  writeFileSync(join(opts.out, 'gate-mutants.md'), md);
  writeFileSync(
    join(opts.out, 'gate-mutants.json'),
    `${JSON.stringify({ wallSeconds: wall, plants: plantVerdicts, clean: cleanVerdicts }, null, 2)}\n`,
  );
  process.stdout.write(md);
  if (opts.measure) {
    const m = {
      date: new Date().toISOString().slice(0, 10),
      command: `npm run gate-mutants -- ${process.argv.slice(2).join(' ')}`,
      host: `${availableParallelism()} cores${opts.busy ? ', one kept busy' : ''}`,
      runtime: String(clean[0]?.results.lab?.versions?.runtime ?? '?'),
      runs: clean.length,
      ...measuredSamples(clean.map((c) => c.results)),
    };
    writeFileSync(join(opts.out, 'measured-allowances.json'), `${JSON.stringify(m, null, 2)}\n`);
    say(`measured allowances: ${join(opts.out, 'measured-allowances.json')}`);
  }
  return allCaught(plantVerdicts, cleanVerdicts) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(err instanceof HarnessError ? `harness error: ${err.message}` : String((err as Error).stack ?? err));
    process.exit(2);
  },
);
