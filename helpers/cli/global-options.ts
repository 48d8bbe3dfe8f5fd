/**
 * The options every command takes (project folder, topology, fixtures, provider, quiet): declared
 * on the program and on every subcommand, and read back wherever on the command line they were given.
 */
import { Command, Option } from 'commander';
import { loadLabModel, type LabModel } from '../model/lab-model.js';
import { PROVIDERS } from '../lab/select-provider.js';

export interface GlobalOpts {
  dir: string;
  topology?: string;
  fixtures?: string;
  provider?: string;
  quiet?: boolean;
}

export const DEFAULT_TOPOLOGY = 'containerlab/anycast.clab.yml';
export const DEFAULT_FIXTURES = 'fixtures';

const GLOBAL_KEYS = ['dir', 'topology', 'fixtures', 'provider', 'quiet'] as const;

/**
 * The global options, also on every subcommand (without defaults there), so each works before
 * or after the subcommand: `anycast-verify --provider containerlab plan` and
 * `anycast-verify plan --provider containerlab` mean the same. Positional options stay on
 * (`exec` passes everything after its node to the command), so commander alone would reject a
 * global option after the subcommand as unknown.
 */
export function addGlobalOptions(cmd: Command, withDefaults: boolean): Command {
  const d = <T>(v: T) => (withDefaults ? v : undefined);
  return cmd
    .option('-C, --dir <path>', 'project folder holding containerlab/ and fixtures/', d(process.cwd()))
    .option('--topology <file>', 'containerlab topology, relative to --dir', d(DEFAULT_TOPOLOGY))
    .option('--fixtures <dir>', 'fixtures folder, relative to --dir', d(DEFAULT_FIXTURES))
    .addOption(new Option('-p, --provider <name>', 'lab provider (env ANYCAST_VERIFY_PROVIDER)').choices(PROVIDERS))
    .option('-q, --quiet', 'no progress output');
}

export function addGlobalOptionsEverywhere(cmd: Command): void {
  for (const sub of cmd.commands) {
    addGlobalOptions(sub, false);
    addGlobalOptionsEverywhere(sub);
  }
}

/** The program's values (defaults included), overridden by each command down to `cmd` that was given the option on its command line. */
export function globalOpts(cmd: Command): GlobalOpts {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const out = { ...chain[0]!.opts<GlobalOpts>() };
  for (const c of chain.slice(1)) {
    for (const k of GLOBAL_KEYS) {
      const src = c.getOptionValueSource(k);
      if (src === 'cli' || src === 'env') (out as Record<string, unknown>)[k] = c.opts()[k];
    }
  }
  return out;
}

/** The global options of the command being run, so an action can read them wherever they were given. */
export function runningGlobalOpts(program: Command): () => GlobalOpts {
  let running: Command = program;
  program.hook('preAction', (_program, actionCommand) => {
    running = actionCommand;
  });
  return () => globalOpts(running);
}

/** The lab model from the files the global options name. */
export function loadModel(opts: GlobalOpts): LabModel {
  return loadLabModel({ root: opts.dir, topologyFile: opts.topology, fixturesDir: opts.fixtures });
}
