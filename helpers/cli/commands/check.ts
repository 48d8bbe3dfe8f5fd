/** `anycast-verify check`: the lab's files validated, each and against each other, starting nothing. */
import type { Command } from 'commander';
import { checkWithTools } from '../../lab/check.js';
import { intentProblems } from '../../lab/intent.js';
import { formatProblem, LabConfigError } from '../../model/errors.js';
import { modelWarnings } from '../../model/warnings.js';
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
      // The files are a lab we can build; now whether it is the lab the intent declares.
      const diverging = intentProblems(model);
      if (diverging.length) throw new LabConfigError(diverging, notChecked);
      for (const n of notChecked) process.stderr.write(`anycast-verify: not checked: ${n}\n`);
      for (const w of modelWarnings(model)) process.stderr.write(`anycast-verify: warning: ${formatProblem(w)}\n`);
      if (!model.intent)
        process.stderr.write(
          "anycast-verify: not checked: no intent.yaml declares what must hold (`anycast-verify intent --init` writes one from today's files)\n",
        );
      process.stdout.write(
        `ok: ${model.topology.file}, ${Object.keys(model.routers).length} FRR configs and the fixtures of ${Object.keys(model.clusters).length} clusters are consistent${model.intent ? `, and keep ${model.intent.doc.file}` : ''}\n`,
      );
    });
}
