/** Checks that need a tool rather than a parser: every FRR config must load in FRR itself (`vtysh --dryrun`). */
import { LabConfigError, type Problem } from '../model/errors.js';
import type { LabModel } from '../model/lab-model.js';
import { haveCommand, run } from '../runtime/command.js';

export async function checkFrrConfigs(model: LabModel): Promise<void> {
  if (!(await haveCommand('vtysh'))) return;
  const problems: Problem[] = [];
  await Promise.all(
    Object.values(model.routers).map(async (r) => {
      const res = await run(['vtysh', '--dryrun', '-f', r.frrConfPath], { reject: false });
      if (res.exitCode !== 0) {
        for (const line of `${res.stdout}\n${res.stderr}`.split('\n')) {
          const m = /line (\d+): (.*)/.exec(line);
          if (m) problems.push({ file: r.frr.file, field: m[2]!.replace(/^% /, '').trim(), line: Number(m[1]), message: 'FRR rejects this line (vtysh --dryrun)' });
        }
        if (problems.length === 0) problems.push({ file: r.frr.file, field: '(file)', message: `vtysh --dryrun failed: ${res.stderr.trim() || res.stdout.trim()}` });
      }
    }),
  );
  if (problems.length) throw new LabConfigError(problems);
}
