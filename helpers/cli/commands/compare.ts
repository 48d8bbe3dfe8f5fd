/** `anycast-verify compare <results> <baseline> [--json]`: the regression gate over two results files. */
import type { Command } from 'commander';
import { compareRuns, DEFAULT_TOLERANCE, readResults, type RunResults } from '../../report/compare.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { nonNegativeNumber } from '../option-values.js';

/** A results file named on the command line; one that is missing or not a results file is a usage error, naming it. */
export function resultsArgument(file: string, what: string): RunResults {
  try {
    return readResults(file);
  } catch (err) {
    throw new UsageError(`${what} ${file}: ${(err as Error).message}`);
  }
}

export function addCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'regression gate: fail when a check that passed in the baseline fails now, or a convergence/failover time grew beyond the tolerance',
    )
    .argument('<results>', 'reports/results.json of this run')
    .argument('<baseline>', 'a baseline results file (baselines/<provider>.json)')
    .option('--ratio <r>', 'relative growth allowed for timings', nonNegativeNumber, DEFAULT_TOLERANCE.ratio)
    .option('--slack <seconds>', 'absolute slack for timings', nonNegativeNumber, DEFAULT_TOLERANCE.slackSeconds)
    .option('--json', 'machine-readable output on stdout (the exit code is the same)')
    .action((results: string, baseline: string, o: { ratio: number; slack: number; json?: boolean }) => {
      const tolerance = { ratio: o.ratio, slackSeconds: o.slack };
      const regressions = compareRuns(
        resultsArgument(results, 'results'),
        resultsArgument(baseline, 'baseline'),
        tolerance,
      );
      process.exitCode = regressions.length === 0 ? EXIT.ok : EXIT.failed;
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ results, baseline, tolerance, regressions }, null, 2)}\n`);
        return;
      }
      if (regressions.length === 0) {
        process.stdout.write(`no regression against ${baseline}\n`);
        return;
      }
      process.stdout.write(
        `${regressions.length} regression${regressions.length === 1 ? '' : 's'} against ${baseline}:\n${regressions.map((r) => `  - ${r.test}: ${r.what}`).join('\n')}\n`,
      );
    });
}
