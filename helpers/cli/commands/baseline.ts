/** `anycast-verify baseline <results...> [--provisional]`: a banded baseline for `compare`, from at least 10 runs. */
import type { Command } from 'commander';
import { bandBaseline, BaselineRefusedError } from '../../report/band-baseline.js';
import { MIN_BASELINE_RUNS } from '../../faults/bands.js';
import { EXIT } from '../exit-codes.js';
import { resultsArgument } from './compare.js';

export function addBaselineCommand(program: Command): void {
  program
    .command('baseline')
    .description(
      `write a baseline for \`compare\` from ${MIN_BASELINE_RUNS} or more results files: passed only if passed in all, the sample of every run per guarded timing and waterfall link (exit 2 with fewer runs)`,
    )
    .argument('<results...>', 'reports/results.json files of several runs')
    .option('--provisional', `build it from fewer than ${MIN_BASELINE_RUNS} runs, marked provisional (compare says so)`)
    .action((files: string[], o: { provisional?: boolean }) => {
      const runs = files.map((f) => resultsArgument(f, 'results'));
      try {
        process.stdout.write(`${JSON.stringify(bandBaseline(runs, o), null, 2)}\n`);
      } catch (err) {
        if (!(err instanceof BaselineRefusedError)) throw err;
        process.stderr.write(`baseline: ${err.message}\n`);
        process.exitCode = EXIT.invalidLab;
      }
    });
}
