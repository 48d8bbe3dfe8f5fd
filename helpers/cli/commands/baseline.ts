/** `anycast-verify baseline <results...>`: a baseline for `compare`, folded from several runs. */
import type { Command } from 'commander';
import { baselineFrom } from '../../report/compare.js';
import { resultsArgument } from './compare.js';

export function addBaselineCommand(program: Command): void {
  program
    .command('baseline')
    .description(
      'write a baseline for `compare` from one or more results files: passed only if passed in all, each timing at its worst',
    )
    .argument('<results...>', 'reports/results.json files of several runs')
    .action((files: string[]) => {
      const runs = files.map((f) => resultsArgument(f, 'results'));
      process.stdout.write(
        `${JSON.stringify({ note: `worst of ${runs.length} runs`, ...baselineFrom(runs) }, null, 2)}\n`,
      );
    });
}
