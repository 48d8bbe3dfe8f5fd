/** `anycast-verify --provider containerlab plan`: what `up` and `down` would run on the real lab, printed, run by no one. */
import type { Command } from 'commander';
import { providerName } from '../../lab/select-provider.js';
import { CONVERGENCE_DEADLINE_SECONDS } from '../../lab/bring-up.js';
import { downPlan, formatPlan, upPlan } from '../../providers/containerlab/plan.js';
import { loadVersions } from '../../model/version-pins.js';
import { loadModel, type GlobalOpts } from '../global-options.js';
import { UsageError } from '../exit-codes.js';

export function addPlanCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('plan')
    .description(
      'print, in order, every command and Kubernetes API call `up` and `down` would run on the containerlab provider, without running any',
    )
    .action(() => {
      const opts = globals();
      const name = providerName(opts.provider);
      if (name !== 'containerlab')
        throw new UsageError(
          '`plan` describes the containerlab provider: use `anycast-verify --provider containerlab plan` (the netns provider has no external commands to show)',
        );
      const model = loadModel(opts);
      const versions = loadVersions(model.root);
      process.stdout.write(
        `# up (versions: ${Object.entries(versions)
          .map(([k, v]) => `${k}=${v}`)
          .join(
            ' ',
          )})\n${formatPlan(upPlan(model, versions))}\nthen: wait up to ${CONVERGENCE_DEADLINE_SECONDS.containerlab} s for BGP convergence (every session Established, every FIB as the configs install)\n\n# down\n${formatPlan(downPlan(model))}\n`,
      );
    });
}
