/**
 * Suite 9, an upgrade rehearsal (`npm run test:rehearsal`; its own vitest project, since it
 * brings up labs of its own and takes minutes: CI and the nightly run it, `npm test` does not).
 * For each strategy (helpers/faults/upgrades.ts), a lab comes up on the old versions, every
 * router and then every cluster restarts on the new ones under every client's requests and
 * held connections (helpers/experiment/rehearse.ts), and each step must keep its predicted
 * bound, leave the lab converged and every session it touched as configured between the old
 * and the new version.
 *
 * The versions: from the lab's runtime (ANYCAST_VERIFY_RUNTIME, else the one closest to
 * versions.env) to ANYCAST_VERIFY_REHEARSE_TO (default: the same runtime, a restart in place);
 * the strategies: ANYCAST_VERIFY_REHEARSE_STRATEGIES (default: all). A runtime that is not
 * built makes the claim "not verified", by name.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rehearse } from '../helpers/experiment/rehearse.js';
import {
  isUpgradeStrategy,
  UPGRADE_STRATEGIES,
  upgradeSteps,
  type UpgradeStrategy,
} from '../helpers/faults/upgrades.js';
import { requestedFiles } from '../helpers/lab/lab-source.js';
import { loadLabModel } from '../helpers/model/lab-model.js';
import { stderrProgress } from '../helpers/os/progress.js';
import { notVerified } from '../helpers/report/not-verified.js';
import { recordRehearsal, rehearsalProblems, writeRehearsalReport } from '../helpers/report/rehearsal-report.js';
import { reportsDir } from '../helpers/report/reports-dir.js';
import { isRuntimeSuite } from '../helpers/runtimes/catalog.js';
import { runtimeChoice } from '../helpers/runtimes/resolve.js';
import { builtRuntime } from '../helpers/runtimes/store.js';

const ROOT = resolve(import.meta.dirname, '..');
const model = loadLabModel(requestedFiles(ROOT));
const from = runtimeChoice(model.root).suite;
const to = process.env.ANYCAST_VERIFY_REHEARSE_TO || from;
const strategies = (process.env.ANYCAST_VERIFY_REHEARSE_STRATEGIES || Object.keys(UPGRADE_STRATEGIES).join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const steps = upgradeSteps(model);
/** A hang guard, no claim: each step's waits have deadlines of their own (bring-up, convergence). */
const TIMEOUT_MS = 60_000 + steps.reduce((n, s) => n + s.nodes.length, 0) * 60_000;

describe(`upgrade rehearsal of lab ${model.name}: ${from} → ${to}, ${steps.map((s) => s.name).join(', ')}`, () => {
  for (const strategy of strategies) {
    it(
      `${strategy}: every step keeps its bound and leaves every session as configured`,
      async (ctx) => {
        if (!isUpgradeStrategy(strategy))
          throw new Error(
            `ANYCAST_VERIFY_REHEARSE_STRATEGIES: "${strategy}" is none of ${Object.keys(UPGRADE_STRATEGIES).join(', ')}`,
          );
        if (!isRuntimeSuite(to)) throw new Error(`ANYCAST_VERIFY_REHEARSE_TO: no runtime "${to}"`);
        for (const r of [from, to])
          if (!builtRuntime(r)) notVerified(ctx, `runtime ${r} is not built (npx anycast-verify runtimes build ${r})`);
        const [result] = await rehearse({
          model,
          from,
          to,
          strategies: [strategy as UpgradeStrategy],
          progress: stderrProgress({ prefix: `rehearsal ${strategy}` }),
        });
        writeRehearsalReport(join(reportsDir(ROOT), strategy), [result!], from, to);
        // Linked from the run's report, relative to its folder.
        recordRehearsal(ctx.task, result!, [`${strategy}/rehearsal.md`, `${strategy}/rehearsal-${strategy}.svg`]);
        expect(result!.problem, 'the lab came up on the old versions').toBeUndefined();
        expect(
          result!.findings?.steps.map((s) => s.run.step.name),
          'every step ran',
        ).toEqual(steps.map((s) => s.name));
        expect(
          rehearsalProblems(result!),
          'every step within its bound, converged, its sessions as configured',
        ).toEqual([]);
      },
      TIMEOUT_MS,
    );
  }
});
