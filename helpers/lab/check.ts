/**
 * Checks that need a tool or reference data rather than our own parser: every FRR config
 * must load in FRR itself (`vtysh --dryrun`), and, where the upstream schemas are at hand,
 * the topology and the Cilium manifests must validate against them.
 */
import { LabConfigError, type Problem } from '../model/errors.js';
import type { LabModel } from '../model/lab-model.js';
import { haveCommand, run } from '../runtime/command.js';
import { schemaDir, validateManifestsAgainstCrds, validateTopologyAgainstSchema } from '../model/schema-validate.js';

export async function checkWithTools(model: LabModel): Promise<void> {
  const problems: Problem[] = [];
  if (await haveCommand('vtysh')) {
    await Promise.all(
      Object.values(model.routers).map(async (r) => {
        const res = await run(['vtysh', '--dryrun', '-f', r.frrConfPath], { reject: false });
        if (res.exitCode === 0) return;
        const mine: Problem[] = [];
        for (const line of `${res.stdout}\n${res.stderr}`.split('\n')) {
          const m = /line (\d+): (.*)/.exec(line);
          if (m) mine.push({ file: r.frr.file, field: m[2]!.replace(/^% /, '').trim(), line: Number(m[1]), message: 'FRR rejects this line (vtysh --dryrun)' });
        }
        if (mine.length === 0) mine.push({ file: r.frr.file, field: '(file)', message: `vtysh --dryrun failed: ${res.stderr.trim() || res.stdout.trim()}` });
        problems.push(...mine);
      }),
    );
  }
  const dir = schemaDir(model.root);
  if (dir) {
    problems.push(...validateTopologyAgainstSchema(model, dir));
    problems.push(...validateManifestsAgainstCrds(model, dir).problems);
  }
  if (problems.length) throw new LabConfigError(problems);
}
