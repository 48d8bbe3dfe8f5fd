/** `anycast-verify check`: the lab's files validated, each and against each other, starting nothing. */
import type { Command } from 'commander';
import { checkWithTools } from '../../lab/check.js';
import { loadModel, type GlobalOpts } from '../global-options.js';

export function addCheckCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('check')
    .description(
      'validate the topology, every FRR config and every fixture, and their consistency, without starting anything',
    )
    .action(async () => {
      const model = loadModel(globals());
      const notChecked = await checkWithTools(model);
      for (const n of notChecked) process.stderr.write(`anycast-verify: not checked: ${n}\n`);
      process.stdout.write(
        `ok: ${model.topology.file}, ${Object.keys(model.routers).length} FRR configs and the fixtures of ${Object.keys(model.clusters).length} clusters are consistent\n`,
      );
    });
}
