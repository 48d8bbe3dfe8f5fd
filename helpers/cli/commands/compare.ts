/** `anycast-verify compare <results> <baseline> [--json] [--limits] [--pictures <dir>]`: the regression gate over two results files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { gatePictures } from '../../report/gate-pictures.js';
import { DEFAULT_TOLERANCE, gateRuns, readResults, type RunResults } from '../../report/compare.js';
import { limitsTable, verdictText } from '../../report/gate-text.js';
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
      'regression gate: fail when a check that passed in the baseline fails now, or a waterfall link or failover time left its band (or a random wait its window)',
    )
    .argument('<results>', 'reports/results.json of this run')
    .argument('<baseline>', 'a baseline (baselines/<provider>-<runtime>.json, from `anycast-verify baseline`)')
    .option(
      '--ratio <r>',
      'relative growth allowed for timings, against a baseline built before bands only',
      nonNegativeNumber,
      DEFAULT_TOLERANCE.ratio,
    )
    .option(
      '--slack <seconds>',
      'absolute slack for timings, against a baseline built before bands only',
      nonNegativeNumber,
      DEFAULT_TOLERANCE.slackSeconds,
    )
    .option('--limits', "after the verdict, every guarded value's limit next to the suite's budget (markdown table)")
    .option(
      '--pictures <dir>',
      "write each fault's waterfall with the band or window the gate held every link to (<dir>/<fault>.svg)",
    )
    .option('--json', 'machine-readable output on stdout (the exit code is the same)')
    .action(
      (
        results: string,
        baseline: string,
        o: { ratio: number; slack: number; json?: boolean; limits?: boolean; pictures?: string },
      ) => {
        const tolerance = { ratio: o.ratio, slackSeconds: o.slack };
        const now = resultsArgument(results, 'results');
        const verdict = gateRuns(now, resultsArgument(baseline, 'baseline'), tolerance);
        process.exitCode = verdict.regressions.length === 0 ? EXIT.ok : EXIT.failed;
        if (o.pictures) {
          mkdirSync(o.pictures, { recursive: true });
          for (const p of gatePictures(now, verdict.checks)) writeFileSync(join(o.pictures, p.name), p.svg);
        }
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ results, baseline, tolerance, ...verdict }, null, 2)}\n`);
          return;
        }
        process.stdout.write(verdictText(verdict, baseline));
        if (o.limits && verdict.checks.length) process.stdout.write(`\n${limitsTable(verdict.checks)}\n`);
      },
    );
}
