/**
 * The command line: thin over the model, the providers and the lab clients.
 *   anycast-verify check | up | status | exec <node> -- <cmd...> | down
 * Progress goes to stderr, results to stdout; failures exit non-zero with the reason.
 * Each command is registered from its own file (commands/, runtime-commands.ts, matrix-command.ts);
 * the global options are declared and read in global-options.ts.
 */
import { Command } from 'commander';
import { LabConfigError } from '../model/errors.js';
import { PreflightError } from '../providers/api/lab-provider.js';
import { addGlobalOptions, addGlobalOptionsEverywhere, runningGlobalOpts } from './global-options.js';
import { addCheckCommand } from './commands/check.js';
import { addIntentCommand } from './commands/intent.js';
import { addGenerateCommand } from './commands/generate.js';
import { addUpCommand } from './commands/up.js';
import { addStatusCommand } from './commands/status.js';
import { addExecCommand } from './commands/exec.js';
import { addDownCommand } from './commands/down.js';
import { addPlanCommand } from './commands/plan.js';
import { addCompareCommand } from './commands/compare.js';
import { addBaselineCommand } from './commands/baseline.js';
import { addReapCommand } from './commands/reap.js';
import { addRuntimeCommands } from './runtime-commands.js';
import { addMatrixCommand } from './matrix-command.js';

export { globalOpts } from './global-options.js';

export function buildCli(): Command {
  const program = addGlobalOptions(new Command('anycast-verify'), true)
    .description(
      'Regression gate for BGP anycast: Cilium-advertised LoadBalancer VIPs over an FRR leaf-spine fabric, proven in a real lab.',
    )
    .enablePositionalOptions()
    .showHelpAfterError();
  const globals = runningGlobalOpts(program);

  // In this order: it is the order `--help` lists them.
  addCheckCommand(program, globals);
  addIntentCommand(program, globals);
  addGenerateCommand(program, globals);
  addUpCommand(program, globals);
  addStatusCommand(program, globals);
  addExecCommand(program, globals);
  addDownCommand(program, globals);
  addPlanCommand(program, globals);
  addCompareCommand(program);
  addBaselineCommand(program);
  addRuntimeCommands(
    program,
    () => globals().dir,
    () => !!globals().quiet,
  );
  addMatrixCommand(
    program,
    () => globals().dir,
    () => !!globals().quiet,
  );
  addReapCommand(program, globals);

  addGlobalOptionsEverywhere(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof LabConfigError || err instanceof PreflightError)
      process.stderr.write(`anycast-verify: ${err.message}\n`);
    else process.stderr.write(`anycast-verify: ${(err as Error).message ?? String(err)}\n`);
    process.exitCode = err instanceof LabConfigError ? 2 : err instanceof PreflightError ? 3 : 1;
  }
}
