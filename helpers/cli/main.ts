/**
 * The command line: thin over the model, the providers and the lab clients.
 *   anycast-verify check | up | status | exec <node> -- <cmd...> | down | test | compare ...
 * Progress goes to stderr, results to stdout; failures exit non-zero with the reason, each
 * kind of failure with its own exit code (exit-codes.ts).
 * Each command is registered from its own file (commands/, runtime-commands.ts, matrix-command.ts);
 * the global options are declared and read in global-options.ts.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { exitFor } from './exit-codes.js';
import { addGlobalOptions, addGlobalOptionsEverywhere, runningGlobalOpts } from './global-options.js';
import { addCheckCommand } from './commands/check.js';
import { addIntentCommand } from './commands/intent.js';
import { addGenerateCommand } from './commands/generate.js';
import { addUpCommand } from './commands/up.js';
import { addStatusCommand } from './commands/status.js';
import { addExecCommand } from './commands/exec.js';
import { addDownCommand } from './commands/down.js';
import { addRehearseCommand } from './commands/rehearse.js';
import { addPlanCommand } from './commands/plan.js';
import { addCompareCommand } from './commands/compare.js';
import { addBaselineCommand } from './commands/baseline.js';
import { addReapCommand } from './commands/reap.js';
import { addRuntimeCommands } from './runtime-commands.js';
import { addMatrixCommand } from './matrix-command.js';
import { addTestCommand } from './commands/test.js';

export { globalOpts } from './global-options.js';

/** The package's version (package.json), for `--version`. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}

export function buildCli(): Command {
  const program = addGlobalOptions(new Command('anycast-verify'), true)
    .description(
      'Regression gate for BGP anycast: Cilium-advertised LoadBalancer VIPs over an FRR leaf-spine fabric, proven in a real lab.',
    )
    .version(packageVersion(), '-V, --version', 'print the version of anycast-verify')
    .enablePositionalOptions()
    .showHelpAfterError()
    // Commander throws instead of exiting (every subcommand inherits this): main() picks the code.
    .exitOverride();
  const globals = runningGlobalOpts(program);

  // In this order: it is the order `--help` lists them.
  addCheckCommand(program, globals);
  addIntentCommand(program, globals);
  addGenerateCommand(program, globals);
  addUpCommand(program, globals);
  addStatusCommand(program, globals);
  addExecCommand(program, globals);
  addDownCommand(program, globals);
  addTestCommand(program, globals);
  addRehearseCommand(program, globals);
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

/** Runs the command line; sets process.exitCode (exit-codes.ts) rather than exiting, so tests can call it. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    const { code, message } = exitFor(err);
    if (message !== undefined) process.stderr.write(`anycast-verify: ${message}\n`);
    process.exitCode = code;
  }
}
