/** `anycast-verify compare <results> <baseline>`: the regression gate over two results files. */
import type { Command } from 'commander';
import { compareRuns, DEFAULT_TOLERANCE, readResults } from '../../report/compare.js';

export function addCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'regression gate: fail when a check that passed in the baseline fails now, or a convergence/failover time grew beyond the tolerance',
    )
    .argument('<results>', 'reports/results.json of this run')
    .argument('<baseline>', 'a baseline results file (baselines/<provider>.json)')
    .option('--ratio <r>', 'relative growth allowed for timings', String(DEFAULT_TOLERANCE.ratio))
    .option('--slack <seconds>', 'absolute slack for timings', String(DEFAULT_TOLERANCE.slackSeconds))
    .action((results: string, baseline: string, o: { ratio: string; slack: string }) => {
      const regressions = compareRuns(readResults(results), readResults(baseline), {
        ratio: Number(o.ratio),
        slackSeconds: Number(o.slack),
      });
      if (regressions.length === 0) {
        process.stdout.write(`no regression against ${baseline}\n`);
        return;
      }
      process.stdout.write(
        `${regressions.length} regression${regressions.length === 1 ? '' : 's'} against ${baseline}:\n${regressions.map((r) => `  - ${r.test}: ${r.what}`).join('\n')}\n`,
      );
      process.exitCode = 1;
    });
}
