/** `anycast-verify exec <node> -- <command...>`: a command run inside a node of the running lab. */
import type { Command } from 'commander';
import { createProvider, providerName } from '../../lab/select-provider.js';
import { UsageError } from '../exit-codes.js';
import { loadModel, type GlobalOpts } from '../global-options.js';

export function addExecCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('exec')
    .description(
      "run a command inside a node of the lab (vtysh on a router reaches that router's FRR); its exit code is passed through",
    )
    .argument('<node>', 'node name from the topology (client, leaf1, spine, cluster01, ...)')
    .argument('<command...>', 'the command, after --')
    .passThroughOptions()
    .action(async (node: string, command: string[]) => {
      const opts = globals();
      const model = loadModel(opts);
      const argv = command[0] === '--' ? command.slice(1) : command;
      if (argv.length === 0) throw new UsageError('no command given: anycast-verify exec <node> -- <command...>');
      if (!model.topology.nodes[node])
        throw new UsageError(`no node "${node}" in the lab (nodes: ${Object.keys(model.topology.nodes).join(', ')})`);
      const lab = await (await createProvider(providerName(opts.provider), model)).attach();
      const r = await lab.exec(node, argv, { reject: false, timeoutMs: 10 * 60_000 });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}
