/**
 * Checks that need a tool or reference data rather than our own parser: every FRR config
 * must load in FRR itself (`vtysh --dryrun`), and, where the upstream schemas are at hand,
 * the topology and the Cilium manifests must validate against them.
 */
import { LabConfigError, type Problem } from '../model/errors.js';
import type { LabModel } from '../model/lab-model.js';
import { run } from '../os/command.js';
import { runtimeChoice } from './resolve.js';
import { builtRuntime } from './store.js';
import { chrootArgv } from './in-runtime.js';
import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findSchemas, validateManifestsAgainstCrds, validateTopologyAgainstSchema } from '../model/schema-validate.js';

/**
 * Throws a LabConfigError with every problem found; returns what could not be checked here
 * (said, never silently skipped).
 */
export async function checkWithTools(model: LabModel): Promise<string[]> {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const suite = runtimeChoice(model.root).suite;
  const rt = builtRuntime(suite);
  if (rt) {
    const dry = await frrDryRun(model, rt.root);
    problems.push(...dry.problems);
    if (dry.note) notes.push(dry.note);
  } else
    notes.push(
      `FRR configs not loaded in FRR (vtysh --dryrun): runtime "${suite}" is not built (npx anycast-verify runtimes build)`,
    );
  const schemas = findSchemas(model.root);
  const notValidated = 'topology and Cilium manifests not validated against the upstream schemas';
  if (schemas.dir) {
    try {
      const found = [
        ...validateTopologyAgainstSchema(model, schemas.dir),
        ...validateManifestsAgainstCrds(model, schemas.dir).problems,
      ];
      problems.push(...found);
    } catch (err) {
      // A schema file that does not parse or compile: reference data at fault, not the lab's files.
      notes.push(`${notValidated}: ${schemas.dir}: ${(err as Error).message}`);
    }
  } else notes.push(`${notValidated}: ${schemas.why}`);
  // The notes go with a rejection too, so nobody takes "only these problems" for "all checked".
  if (problems.length) throw new LabConfigError(problems, notes);
  return notes;
}

/** The dry run could not start (no user namespaces, a runtime we cannot enter): the files were never read. */
const couldNotStart = (res: { exitCode: number; stderr: string }) =>
  res.exitCode >= 125 || /^(unshare|chroot): /m.test(res.stderr);

/**
 * Every frr.conf loaded by the runtime's own vtysh (the FRR version the lab runs), from a copy
 * inside the runtime. A dry run that could not start is a note ("not checked"), never a
 * problem in a file FRR did not read.
 */
export async function frrDryRun(model: LabModel, runtimeRoot: string): Promise<{ problems: Problem[]; note?: string }> {
  const tmp = mkdtempSync(join(runtimeRoot, 'tmp', 'av-check-'));
  try {
    let note: string | undefined;
    const out = await Promise.all(
      Object.values(model.routers).map(async (r) => {
        const inside = join(tmp, `${r.name}-${basename(r.frrConfPath)}`);
        copyFileSync(r.frrConfPath, inside);
        const argv = chrootArgv(runtimeRoot, ['vtysh', '--dryrun', '-f', inside.slice(runtimeRoot.length)]);
        const res = await run(argv, { reject: false });
        if (res.exitCode === 0) return [];
        if (couldNotStart(res)) {
          note ??= `FRR configs not loaded in FRR (vtysh --dryrun): \`${argv.slice(0, 4).join(' ')} …\` could not start (${res.stderr.trim().split('\n')[0]}); run check as root, or enable user namespaces (sysctl user.max_user_namespaces)`;
          return [];
        }
        const mine: Problem[] = [];
        for (const line of `${res.stdout}\n${res.stderr}`.split('\n')) {
          const m = /line (\d+): (.*)/.exec(line);
          if (m)
            mine.push({
              file: r.frr.file,
              field: m[2]!.replace(/^% /, '').trim(),
              line: Number(m[1]),
              message: 'FRR rejects this line (vtysh --dryrun)',
            });
        }
        if (mine.length === 0)
          mine.push({
            file: r.frr.file,
            field: '(file)',
            message: `vtysh --dryrun failed: ${res.stderr.trim() || res.stdout.trim()}`,
          });
        return mine;
      }),
    );
    return { problems: out.flat(), note };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
