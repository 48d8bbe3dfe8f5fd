/**
 * The command line: thin over the model, the providers and the lab clients.
 *   anycast-verify check | up | status | exec <node> -- <cmd...> | down
 * Progress goes to stderr, results to stdout; failures exit non-zero with the reason.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadLabModel, withHashing, type LabModel } from '../model/lab-model.js';
import { LabConfigError } from '../model/errors.js';
import { createProvider, providerName, PROVIDERS } from '../lab/select-provider.js';
import { formatStatus, labStatus } from '../lab/status.js';
import { stderrProgress } from '../runtime/progress.js';
import { PreflightError } from '../providers/api/lab-provider.js';
import { checkWithTools } from '../lab/check.js';
import { reap } from '../lab/reaper.js';
import { bringUp, CONVERGENCE_DEADLINE_SECONDS } from '../lab/bring-up.js';
import { Interrupts } from '../runtime/interrupts.js';
import { describeHashing, HASH_POLICY, parseHashing, sameHashing, type FabricHashing } from '../model/hashing.js';
import { downPlan, formatPlan, upPlan } from '../providers/containerlab/plan.js';
import { loadVersions } from '../model/version-pins.js';
import { baselineFrom, compareRuns, DEFAULT_TOLERANCE, readResults } from '../report/compare.js';
import { addRuntimeCommands } from './runtime-commands.js';
import { addMatrixCommand } from './matrix-command.js';

interface GlobalOpts {
  dir: string;
  topology?: string;
  fixtures?: string;
  provider?: string;
  quiet?: boolean;
}

const GLOBAL_KEYS = ['dir', 'topology', 'fixtures', 'provider', 'quiet'] as const;

/**
 * The global options, also on every subcommand (without defaults there), so each works before
 * or after the subcommand: `anycast-verify --provider containerlab plan` and
 * `anycast-verify plan --provider containerlab` mean the same. Positional options stay on
 * (`exec` passes everything after its node to the command), so commander alone would reject a
 * global option after the subcommand as unknown.
 */
function addGlobalOptions(cmd: Command, withDefaults: boolean): Command {
  const d = <T>(v: T) => (withDefaults ? v : undefined);
  return cmd
    .option('-C, --dir <path>', 'project folder holding containerlab/ and fixtures/', d(process.cwd()))
    .option('--topology <file>', 'containerlab topology, relative to --dir', d('containerlab/anycast.clab.yml'))
    .option('--fixtures <dir>', 'fixtures folder, relative to --dir', d('fixtures'))
    .addOption(new Option('-p, --provider <name>', 'lab provider (env ANYCAST_VERIFY_PROVIDER)').choices(PROVIDERS))
    .option('-q, --quiet', 'no progress output');
}

function addGlobalOptionsEverywhere(cmd: Command): void {
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

function load(opts: GlobalOpts): LabModel {
  return loadLabModel({ root: opts.dir, topologyFile: opts.topology, fixturesDir: opts.fixtures });
}

function hashPolicy(v: string): FabricHashing {
  try {
    return parseHashing(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function buildCli(): Command {
  const program = addGlobalOptions(new Command('anycast-verify'), true)
    .description('Regression gate for BGP anycast: Cilium-advertised LoadBalancer VIPs over an FRR leaf-spine fabric, proven in a real lab.')
    .enablePositionalOptions()
    .showHelpAfterError();

  // The command being run, so the global options can be read wherever they were given.
  let running: Command = program;
  program.hook('preAction', (_program, actionCommand) => {
    running = actionCommand;
  });
  const g = () => globalOpts(running);

  program
    .command('check')
    .description('validate the topology, every FRR config and every fixture, and their consistency, without starting anything')
    .action(async () => {
      const model = load(g());
      const notChecked = await checkWithTools(model);
      for (const n of notChecked) process.stderr.write(`anycast-verify: not checked: ${n}\n`);
      process.stdout.write(`ok: ${model.topology.file}, ${Object.keys(model.routers).length} FRR configs and the fixtures of ${Object.keys(model.clusters).length} clusters are consistent\n`);
    });

  program
    .command('up')
    .description('build and start the lab, and wait until every BGP session is Established and every VIP route is as the configs say')
    .addOption(new Option('--hash-policy <policy[:fields]>', 'override the routers\' fib_multipath_hash_policy (and _fields), e.g. 0 or 3:0x0037').argParser(hashPolicy))
    .addOption(new Option('--runtime <suite>', 'netns: run FRR and GoBGP from this runtime (see `runtimes`; default: closest to versions.env)').env('ANYCAST_VERIFY_RUNTIME'))
    .action(async (o: { hashPolicy?: FabricHashing; runtime?: string }) => {
      const opts = g();
      const name = providerName(opts.provider);
      const files = load(opts);
      // The override goes into the model, so the provider applies it and `status` and the reports read it back from the routers.
      if (o.hashPolicy && name === 'containerlab' && !sameHashing(o.hashPolicy, files.hashing)) {
        throw new Error(`--hash-policy: the real lab applies the topology's sysctls (${describeHashing(files.hashing)}); set ${HASH_POLICY} there instead`);
      }
      const model = o.hashPolicy ? withHashing(files, o.hashPolicy) : files;
      const provider = await createProvider(name, model);
      const progress = stderrProgress({ quiet: opts.quiet });
      await provider.preflight({ runtime: o.runtime });
      const t0 = performance.now();
      const interrupts = new Interrupts({ progress, what: 'the bring-up', then: 'removing what was made', force: () => provider.down({ progress }) });
      try {
        await bringUp(provider, { progress, persistent: true, signal: interrupts.signal, runtime: o.runtime }, 'require');
      } catch (err) {
        if (interrupts.exitCode === undefined) throw err;
        process.exitCode = interrupts.exitCode;
        return;
      } finally {
        interrupts.dispose();
      }
      process.stdout.write(`lab "${model.name}" is up and converged in ${((performance.now() - t0) / 1000).toFixed(2)} s (provider ${provider.name}); \`anycast-verify status\` shows it, \`anycast-verify down\` removes it\n`);
    });

  program
    .command('status')
    .description('nodes, BGP sessions with their state, and VIP routes per router')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const opts = g();
      const model = load(opts);
      const provider = await createProvider(providerName(opts.provider), model);
      const lab = await provider.attach();
      const s = await labStatus(lab);
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    });

  program
    .command('exec')
    .description('run a command inside a node of the lab; its exit code is passed through')
    .argument('<node>', 'node name from the topology (client, leaf1, spine, cluster01, ...)')
    .argument('<command...>', 'the command, after --')
    .passThroughOptions()
    .action(async (node: string, command: string[]) => {
      const opts = g();
      const model = load(opts);
      const lab = await (await createProvider(providerName(opts.provider), model)).attach();
      const argv = command[0] === '--' ? command.slice(1) : command;
      if (argv.length === 0) throw new Error('no command given: anycast-verify exec <node> -- <command...>');
      const r = await lab.exec(node, argv, { reject: false, timeoutMs: 10 * 60_000 });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });

  program
    .command('down')
    .description('remove every namespace, process and temporary file of the lab (safe to run twice)')
    .action(async () => {
      const opts = g();
      const model = load(opts);
      const progress = stderrProgress({ quiet: opts.quiet });
      // An interrupted `down` would leave half a lab: finish the cleanup, then exit.
      const hold = (sig: NodeJS.Signals) => progress.info(`${sig}: finishing the cleanup first`);
      process.on('SIGINT', hold);
      process.on('SIGTERM', hold);
      await (await createProvider(providerName(opts.provider), model)).down({ progress });
      process.stdout.write(`lab "${model.name}" is down\n`);
    });

  program
    .command('plan')
    .description('print, in order, every command and Kubernetes API call `up` and `down` would run on the containerlab provider, without running any')
    .action(() => {
      const opts = g();
      const name = providerName(opts.provider);
      if (name !== 'containerlab') throw new Error('`plan` describes the containerlab provider: use `anycast-verify --provider containerlab plan` (the netns provider has no external commands to show)');
      const model = load(opts);
      const versions = loadVersions(model.root);
      process.stdout.write(`# up (versions: ${Object.entries(versions).map(([k, v]) => `${k}=${v}`).join(' ')})\n${formatPlan(upPlan(model, versions))}\nthen: wait up to ${CONVERGENCE_DEADLINE_SECONDS.containerlab} s for BGP convergence (every session Established, every FIB as the configs install)\n\n# down\n${formatPlan(downPlan(model))}\n`);
    });

  program
    .command('compare')
    .description('regression gate: fail when a check that passed in the baseline fails now, or a convergence/failover time grew beyond the tolerance')
    .argument('<results>', 'reports/results.json of this run')
    .argument('<baseline>', 'a baseline results file (baselines/<provider>.json)')
    .option('--ratio <r>', 'relative growth allowed for timings', String(DEFAULT_TOLERANCE.ratio))
    .option('--slack <seconds>', 'absolute slack for timings', String(DEFAULT_TOLERANCE.slackSeconds))
    .action((results: string, baseline: string, o: { ratio: string; slack: string }) => {
      const regressions = compareRuns(readResults(results), readResults(baseline), { ratio: Number(o.ratio), slackSeconds: Number(o.slack) });
      if (regressions.length === 0) {
        process.stdout.write(`no regression against ${baseline}\n`);
        return;
      }
      process.stdout.write(`${regressions.length} regression${regressions.length === 1 ? '' : 's'} against ${baseline}:\n${regressions.map((r) => `  - ${r.test}: ${r.what}`).join('\n')}\n`);
      process.exitCode = 1;
    });

  program
    .command('baseline')
    .description('write a baseline for `compare` from one or more results files: passed only if passed in all, each timing at its worst')
    .argument('<results...>', 'reports/results.json files of several runs')
    .action((files: string[]) => {
      const runs = files.map(readResults);
      process.stdout.write(`${JSON.stringify({ note: `worst of ${runs.length} runs`, ...baselineFrom(runs) }, null, 2)}\n`);
    });

  addRuntimeCommands(program, () => g().dir, () => !!g().quiet);
  addMatrixCommand(program, () => g().dir, () => !!g().quiet);

  program
    .command('reap', { hidden: true })
    .description('internal: remove the lab once its owner process has died without removing it')
    .requiredOption('--owner <pid>', 'owner PID')
    .requiredOption('--owner-start <ticks>', 'owner start time (/proc/PID/stat field 22)')
    .action(async (o: { owner: string; ownerStart: string }) => {
      const opts = g();
      const model = load(opts);
      await reap(await createProvider(providerName(opts.provider), model), model.name, { pid: Number(o.owner), startTime: o.ownerStart });
    });

  addGlobalOptionsEverywhere(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof LabConfigError || err instanceof PreflightError) process.stderr.write(`anycast-verify: ${err.message}\n`);
    else process.stderr.write(`anycast-verify: ${(err as Error).message ?? String(err)}\n`);
    process.exitCode = err instanceof LabConfigError ? 2 : err instanceof PreflightError ? 3 : 1;
  }
}
