/**
 * `anycast-verify matrix [--runtimes a,b,c]`: the lab suites on each runtime in turn (a
 * fresh lab each, torn down after), then reports/matrix.md and reports/matrix.json side by
 * side, with behaviour changes between neighbouring runtimes flagged. Each runtime's full
 * report is kept in reports/matrix/<runtime>/.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { execa } from 'execa';
import { buildMatrix, matrixMarkdown, MATRIX_REPORT_ENTRIES, type MatrixColumn } from '../report/matrix.js';
import { stderrProgress } from '../runtime/progress.js';
import { buildRuntime } from '../runtimes/build.js';
import { RUNTIME_SUITES, isRuntimeSuite, type RuntimeSuite } from '../runtimes/catalog.js';

export function addMatrixCommand(program: Command, projectRoot: () => string, quiet: () => boolean): void {
  program
    .command('matrix')
    .description('run the lab suites on each runtime in turn; write reports/matrix.md and .json side by side, with version-to-version changes flagged')
    .option('--runtimes <list>', `comma-separated runtimes, oldest first (${RUNTIME_SUITES.join(',')})`, RUNTIME_SUITES.join(','))
    .action(async (o: { runtimes: string }) => {
      const root = projectRoot();
      const suites = o.runtimes.split(',').map((s) => s.trim()).filter(Boolean);
      for (const s of suites) if (!isRuntimeSuite(s)) throw new Error(`--runtimes: unknown runtime "${s}" (choose from: ${RUNTIME_SUITES.join(', ')})`);
      const progress = stderrProgress({ quiet: quiet(), prefix: 'matrix' });
      const reports = join(root, 'reports');
      rmSync(join(reports, 'matrix'), { recursive: true, force: true });
      const cols: MatrixColumn[] = [];
      let interrupted = false;
      const onSignal = () => (interrupted = true);
      process.on('SIGINT', onSignal);
      try {
        for (const suite of suites as RuntimeSuite[]) {
          if (interrupted) break;
          await buildRuntime(suite, { progress });
          progress.info(`runtime ${suite}: running the lab suites (a fresh lab; a few minutes)`);
          const t0 = performance.now();
          // The child gets Ctrl-C too (same process group) and removes its lab itself.
          const r = await execa('npx', ['vitest', 'run', '--project', 'lab'], { cwd: root, reject: false, stdio: 'inherit', env: { ANYCAST_VERIFY_RUNTIME: suite } });
          const file = join(reports, 'results.json');
          if (!existsSync(file)) throw new Error(`runtime ${suite}: the suites wrote no ${file} (exit ${r.exitCode}); see the output above`);
          const results = JSON.parse(readFileSync(file, 'utf8')) as MatrixColumn['results'];
          cols.push({ runtime: suite, results });
          const keep = join(reports, 'matrix', suite);
          mkdirSync(keep, { recursive: true });
          for (const e of readdirSync(reports)) if (!MATRIX_REPORT_ENTRIES.includes(e)) cpSync(join(reports, e), join(keep, e), { recursive: true });
          progress.info(`runtime ${suite}: ${results.tests.filter((t) => t.state === 'passed').length} passed, ${results.tests.filter((t) => t.state === 'failed').length} failed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        }
      } finally {
        process.off('SIGINT', onSignal);
      }
      const matrix = buildMatrix(cols);
      writeFileSync(join(reports, 'matrix.json'), JSON.stringify(matrix, null, 2));
      writeFileSync(join(reports, 'matrix.md'), matrixMarkdown(matrix));
      process.stdout.write(`${matrixMarkdown(matrix).split('\n').slice(0, 8).join('\n')}\n…\nfull table: ${join(reports, 'matrix.md')}\n`);
      if (interrupted) process.exitCode = 130;
      else if (matrix.runtimes.some((r) => r.failed > 0)) process.exitCode = 1;
    });
}
