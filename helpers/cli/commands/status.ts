/** `anycast-verify status [--json]`: what the running lab holds. */
import type { Command } from 'commander';
import { createProvider, providerName } from '../../lab/select-provider.js';
import { formatStatus, labStatus } from '../../readers/lab-status.js';
import { loadModel, type GlobalOpts } from '../global-options.js';

export function addStatusCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('status')
    .description('nodes, BGP sessions with their state, and VIP routes per router')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const opts = globals();
      const model = loadModel(opts);
      const provider = await createProvider(providerName(opts.provider), model);
      const lab = await provider.attach();
      const s = await labStatus(lab);
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    });
}
