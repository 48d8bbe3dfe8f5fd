/** `anycast-verify down`: the lab removed, whole (an interrupt waits for the cleanup to finish). */
import type { Command } from 'commander';
import { createProvider, providerName } from '../../lab/select-provider.js';
import { stderrProgress } from '../../os/progress.js';
import { loadModel, type GlobalOpts } from '../global-options.js';

export function addDownCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('down')
    .description('remove every namespace, process and temporary file of the lab (safe to run twice)')
    .action(async () => {
      const opts = globals();
      const model = loadModel(opts);
      const progress = stderrProgress({ quiet: opts.quiet });
      // An interrupted `down` would leave half a lab: finish the cleanup, then exit.
      const hold = (sig: NodeJS.Signals) => progress.info(`${sig}: finishing the cleanup first`);
      process.on('SIGINT', hold);
      process.on('SIGTERM', hold);
      await (await createProvider(providerName(opts.provider), model)).down({ progress });
      process.stdout.write(`lab "${model.name}" is down\n`);
    });
}
