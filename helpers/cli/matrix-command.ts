/**
 * `anycast-verify matrix [--runtimes a,b,c] [--repeat N]`: the lab suites on each runtime in
 * turn (a fresh lab each run, torn down after), then reports/matrix.md and reports/matrix.json
 * side by side, with behaviour changes between neighbouring runtimes flagged. Each run's full
 * report is kept in reports/matrix/<runtime>/<n>/.
 * `--from DIR` builds the same report from results already collected there
 * (DIR/<runtime>/<n>/results.json, e.g. one CI leg per runtime), running nothing.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { execa } from 'execa';
import { readResults } from '../report/compare.js';
import { buildMatrix, matrixMarkdown, MATRIX_REPORT_ENTRIES, type MatrixColumn } from '../report/matrix.js';
import { Interrupts } from '../os/interrupts.js';
import { stderrProgress, type Progress } from '../os/progress.js';
import { buildRuntime } from '../runtimes/build.js';
import { RUNTIME_SUITES, isRuntimeSuite, type RuntimeSuite } from '../runtimes/catalog.js';
import { reportsDir } from '../report/reports-dir.js';
import { UsageError } from './exit-codes.js';
import { integerOption } from './option-values.js';
import { PACKAGE_ROOT, suitesEnv, vitestBin } from './commands/test.js';

interface MatrixOptions {
  runtimes: string;
  repeat: number;
  from?: string;
}

export function addMatrixCommand(program: Command, projectRoot: () => string, quiet: () => boolean): void {
  program
    .command('matrix')
    .description(
      'run the lab suites on each runtime in turn; write reports/matrix.md and .json side by side, with version-to-version changes flagged',
    )
    .option(
      '--runtimes <list>',
      `comma-separated runtimes, oldest first (${RUNTIME_SUITES.join(',')})`,
      RUNTIME_SUITES.join(','),
    )
    .option(
      '--repeat <n>',
      'runs per runtime; each side is folded as a baseline (worst timing) before comparing',
      integerOption(1),
      1,
    )
    .option('--from <dir>', 'build the report from <dir>/<runtime>/<n>/results.json instead of running anything')
    .action(async (o: MatrixOptions) => {
      const root = resolve(projectRoot());
      const suites = o.runtimes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const s of suites)
        if (!isRuntimeSuite(s))
          throw new UsageError(`--runtimes: unknown runtime "${s}" (choose from: ${RUNTIME_SUITES.join(', ')})`);
      const progress = stderrProgress({ quiet: quiet(), prefix: 'matrix' });
      const reports = reportsDir(root);
      const { cols, interrupted } = o.from
        ? { cols: collected(resolve(o.from), suites as RuntimeSuite[]), interrupted: false }
        : await runAll(root, reports, suites as RuntimeSuite[], o.repeat, progress);
      const matrix = buildMatrix(cols);
      mkdirSync(reports, { recursive: true });
      writeFileSync(join(reports, 'matrix.json'), JSON.stringify(matrix, null, 2));
      const md = matrixMarkdown(matrix);
      writeFileSync(join(reports, 'matrix.md'), md);
      process.stdout.write(`${md.split('\n').slice(0, 9).join('\n')}\n…\nfull table: ${join(reports, 'matrix.md')}\n`);
      if (interrupted) process.exitCode = 130;
      else if (matrix.runtimes.some((r) => r.failed > 0)) process.exitCode = 1;
    });
}

/** Results laid out as <dir>/<runtime>/<n>/results.json (or <dir>/<runtime>/results.json for one run). */
function collected(dir: string, suites: RuntimeSuite[]): MatrixColumn[] {
  return suites.map((runtime) => {
    const base = join(dir, runtime);
    if (!existsSync(base)) throw new UsageError(`--from: no results for runtime ${runtime} in ${base}`);
    const files = existsSync(join(base, 'results.json'))
      ? [join(base, 'results.json')]
      : readdirSync(base)
          .filter((e) => existsSync(join(base, e, 'results.json')))
          .sort()
          .map((e) => join(base, e, 'results.json'));
    if (files.length === 0) throw new UsageError(`--from: no results.json under ${base}`);
    return { runtime, runs: files.map(readResults) };
  });
}

async function runAll(
  root: string,
  reports: string,
  suites: RuntimeSuite[],
  repeat: number,
  progress: Progress,
): Promise<{ cols: MatrixColumn[]; interrupted: boolean }> {
  const bin = vitestBin();
  rmSync(join(reports, 'matrix'), { recursive: true, force: true });
  const cols: MatrixColumn[] = [];
  // The child gets Ctrl-C too (same process group) and removes its lab itself; this stops starting new runs.
  const interrupts = new Interrupts({
    progress,
    what: 'the matrix',
    then: 'the running suites remove their lab; no further runs',
  });
  const interrupted = () => interrupts.exitCode !== undefined;
  try {
    for (const suite of suites) {
      const col: MatrixColumn = { runtime: suite, runs: [] };
      cols.push(col);
      await buildRuntime(suite, { progress });
      for (let n = 1; n <= repeat && !interrupted(); n++) {
        progress.info(`runtime ${suite}, run ${n}/${repeat}: the lab suites on a fresh lab (a few minutes)`);
        const t0 = performance.now();
        // vitest from this package (its config, suites/), the lab from the -C folder, as `test` runs it.
        const r = await execa(process.execPath, [bin, 'run', '--project', 'lab'], {
          cwd: PACKAGE_ROOT,
          reject: false,
          stdio: 'inherit',
          env: suitesEnv({ dir: root, reports, runtime: suite }),
        });
        const file = join(reports, 'results.json');
        if (!existsSync(file))
          throw new Error(`runtime ${suite}: the suites wrote no ${file} (exit ${r.exitCode}); see the output above`);
        const results = readResults(file);
        col.runs.push(results);
        const keep = join(reports, 'matrix', suite, String(n));
        mkdirSync(keep, { recursive: true });
        for (const e of readdirSync(reports))
          if (!MATRIX_REPORT_ENTRIES.includes(e)) cpSync(join(reports, e), join(keep, e), { recursive: true });
        progress.info(
          `runtime ${suite}, run ${n}: ${results.tests.filter((t) => t.state === 'passed').length} passed, ${results.tests.filter((t) => t.state === 'failed').length} failed in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
      }
      if (interrupted()) break;
    }
  } finally {
    interrupts.dispose();
  }
  return { cols: cols.filter((c) => c.runs.length > 0), interrupted: interrupted() };
}
