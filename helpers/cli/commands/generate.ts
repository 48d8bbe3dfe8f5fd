/** `anycast-verify generate`: a lab of N clusters × M nodes × K services × C clients × S spines in the seed's formats. */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { validateOptions, type GenerateOptions } from '../../generate/generate-lab.js';
import { writeGeneratedLab } from '../../generate/write-lab.js';
import { loadModel, type GlobalOpts } from '../global-options.js';
import { UsageError } from '../exit-codes.js';
import { integerOption } from '../option-values.js';

// Whole numbers here; validateOptions then names each option's own range.
const int = integerOption(0);

export function addGenerateCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('generate')
    .description(
      'write a lab of N clusters × M nodes × K services behind C clients and S spines (same formats as the seed lab), then its intent.yaml',
    )
    .requiredOption('--out <dir>', 'folder to write the lab into (containerlab/, fixtures/, intent.yaml)')
    .option('--clusters <n>', 'clusters (each behind its own leaf)', int, 2)
    .option('--nodes-per-cluster <m>', 'Kubernetes nodes per cluster', int, 1)
    .option('--services <k>', 'LoadBalancer Services (one VIP each, advertised by every cluster)', int, 1)
    .option('--clients <c>', 'clients behind the client leaf', int, 2)
    .option('--spines <s>', 'spines (every leaf links to every spine; leaf1 has ECMP over them)', int, 1)
    .option('--force', 'write into a folder that is not empty')
    .action((o: GenerateOptions & { out: string; force?: boolean }) => {
      const bad = validateOptions(o);
      if (bad.length) throw new UsageError(bad.join('; '));
      const out = resolve(o.out);
      if (existsSync(out) && readdirSync(out).length && !o.force)
        throw new UsageError(`${out} is not empty; --force writes into it anyway`);
      const project = loadModel(globals()).root;
      const written = writeGeneratedLab(o, project, out);
      process.stdout.write(`wrote ${written} files to ${out}; \`npx anycast-verify -C ${o.out} check\` checks them\n`);
    });
}
