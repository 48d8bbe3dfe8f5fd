/** `anycast-verify intent --init`: a starting intent.yaml from today's files, to be edited into what must hold. */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkWithTools } from '../../runtimes/tool-checks.js';
import { initialIntent } from '../../model/intent-problems.js';
import { DEFAULT_INTENT } from '../../model/intent.js';
import { loadModel, type GlobalOpts } from '../global-options.js';
import { UsageError } from '../exit-codes.js';

export function addIntentCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('intent')
    .description(
      "the declared intent (intent.yaml): `--init` writes one from today's files (VIPs, their clusters, ECMP routers, clients, sessions) to edit by hand",
    )
    .option('--init', 'write intent.yaml from the files as they are now')
    .option('--force', 'with --init: replace an existing intent.yaml')
    .option('--stdout', 'with --init: print it instead of writing it')
    .action(async (o: { init?: boolean; force?: boolean; stdout?: boolean }) => {
      const model = loadModel(globals());
      const file = resolve(model.root, DEFAULT_INTENT);
      if (!o.init) {
        process.stdout.write(
          model.intent
            ? `${model.intent.doc.file}: ${model.intent.intent.vips.length} VIPs, ${model.intent.intent.sessions.length} sessions declared; \`anycast-verify check\` compares the files with it\n`
            : `no ${DEFAULT_INTENT} in ${model.root}: \`anycast-verify intent --init\` writes one from today's files\n`,
        );
        return;
      }
      // An intent written from broken files would declare the breakage: refuse as `check` does
      // (loadModel has thrown for the model's own problems; these are FRR's and the schemas').
      for (const n of await checkWithTools(model)) process.stderr.write(`anycast-verify: not checked: ${n}\n`);
      const text = initialIntent(model);
      if (o.stdout) return void process.stdout.write(text);
      if (existsSync(file) && !o.force)
        throw new UsageError(`${file} exists; --force replaces it (or --stdout prints the new one)`);
      writeFileSync(file, text);
      process.stdout.write(
        `wrote ${file}: edit it into what must hold whatever the files say, then run \`anycast-verify check\`\n`,
      );
    });
}
