/** `anycast-verify up [--hash-policy P] [--runtime R] [--runtime-of node=R,…]`: the lab built, started and converged, left running. */
import { runtimeOfOption, runtimeOption } from '../option-values.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { withHashing } from '../../model/lab-model.js';
import { createProvider, providerName } from '../../lab/select-provider.js';
import { stderrProgress } from '../../os/progress.js';
import { bringUp } from '../../lab/bring-up.js';
import { Interrupts } from '../../os/interrupts.js';
import { describeHashing, HASH_POLICY, parseHashing, sameHashing, type FabricHashing } from '../../model/hashing.js';
import { loadModel, type GlobalOpts } from '../global-options.js';
import { UsageError } from '../exit-codes.js';

function hashPolicy(v: string): FabricHashing {
  try {
    return parseHashing(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function addUpCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('up')
    .description(
      'build and start the lab, and wait until every BGP session is Established and every VIP route is as the configs say',
    )
    .addOption(
      new Option(
        '--hash-policy <policy[:fields]>',
        "override the routers' fib_multipath_hash_policy (and _fields), e.g. 0 or 3:0x0037",
      ).argParser(hashPolicy),
    )
    .addOption(runtimeOption())
    .addOption(runtimeOfOption())
    .action(async (o: { hashPolicy?: FabricHashing; runtime?: string; runtimeOf?: string }) => {
      const opts = globals();
      const name = providerName(opts.provider);
      const files = loadModel(opts);
      // The override goes into the model, so the provider applies it and `status` and the reports read it back from the routers.
      if (o.hashPolicy && name === 'containerlab' && !sameHashing(o.hashPolicy, files.hashing)) {
        throw new UsageError(
          `--hash-policy: the real lab applies the topology's sysctls (${describeHashing(files.hashing)}); set ${HASH_POLICY} there instead`,
        );
      }
      const model = o.hashPolicy ? withHashing(files, o.hashPolicy) : files;
      const provider = await createProvider(name, model);
      const progress = stderrProgress({ quiet: opts.quiet });
      await provider.preflight({ runtime: o.runtime, runtimeOf: o.runtimeOf });
      const t0 = performance.now();
      const interrupts = new Interrupts({
        progress,
        what: 'the bring-up',
        then: 'removing what was made',
        force: () => provider.down({ progress }),
      });
      try {
        await bringUp(
          provider,
          { progress, persistent: true, signal: interrupts.signal, runtime: o.runtime, runtimeOf: o.runtimeOf },
          'require',
        );
      } catch (err) {
        if (interrupts.exitCode === undefined) throw err;
        process.exitCode = interrupts.exitCode;
        return;
      } finally {
        interrupts.dispose();
      }
      process.stdout.write(
        `lab "${model.name}" is up and converged in ${((performance.now() - t0) / 1000).toFixed(2)} s (provider ${provider.name}); \`anycast-verify status\` shows it, \`anycast-verify down\` removes it\n`,
      );
    });
}
