/** `anycast-verify reap --owner PID --owner-start TICKS` (hidden): run by the reaper to remove a lab whose owner died. */
import type { Command } from 'commander';
import { createProvider, providerName } from '../../lab/select-provider.js';
import { reap } from '../../lab/reaper.js';
import { withLabName } from '../../model/lab-model.js';
import { loadModel, type GlobalOpts } from '../global-options.js';
import { integerOption } from '../option-values.js';

export function addReapCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('reap', { hidden: true })
    .description('internal: remove the lab once its owner process has died without removing it')
    .requiredOption('--owner <pid>', 'owner PID', integerOption(1))
    .requiredOption('--owner-start <ticks>', 'owner start time (/proc/PID/stat field 22)', (v) =>
      String(integerOption(0)(v)),
    )
    .option('--lab-name <name>', "the lab's name, when it runs under another than its files' (a scenario-lab copy)")
    .action(async (o: { owner: number; ownerStart: string; labName?: string }) => {
      const opts = globals();
      const loaded = loadModel(opts);
      const model = o.labName ? withLabName(loaded, o.labName) : loaded;
      await reap(await createProvider(providerName(opts.provider), model), model.name, {
        pid: o.owner,
        startTime: o.ownerStart,
      });
    });
}
