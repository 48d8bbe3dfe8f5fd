/**
 * `anycast-verify test [-C dir] [--runtime R] [suites...]`: the lab suites (suites/, vitest
 * project `lab`) on the lab in the `-C` folder: a fresh lab is brought up, every claim is
 * tested, the lab is removed; then the verdict and where the report is. The unit tests are
 * not run: they test this tool, not the lab (`npm run test:unit` in a checkout).
 *
 * vitest runs from this package (its vitest.config.ts and suites/), reading the lab from
 * ANYCAST_VERIFY_DIR (with --topology and --fixtures, helpers/lab/lab-source.ts), writing the
 * report to <dir>/reports (ANYCAST_VERIFY_REPORTS moves it).
 */
import { integerOption, runtimeOfOption, runtimeOption } from '../option-values.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { execa } from 'execa';
import { createProvider, providerName } from '../../lab/select-provider.js';
import { PreflightError } from '../../providers/api/lab-provider.js';
import { buildSummary, notRunAside, type RunResults } from '../../report/run-summary.js';
import { reportsDir } from '../../report/reports-dir.js';
import { exitCodeFor } from '../../os/interrupts.js';
import { stderrProgress } from '../../os/progress.js';
import { EXIT } from '../exit-codes.js';
import { loadModel, type GlobalOpts } from '../global-options.js';
import { SUITES_ENV } from '../../lab/lab-source.js';

/** This package's folder: vitest.config.ts and suites/ are there. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** vitest's command line, from this package's dependencies; a PreflightError if it is not installed. */
export function vitestBin(packageRoot = PACKAGE_ROOT): string {
  try {
    const pkg = createRequire(join(packageRoot, 'package.json')).resolve('vitest/package.json');
    return join(dirname(pkg), 'vitest.mjs');
  } catch {
    throw new PreflightError([
      `the lab suites run with vitest, a development dependency of anycast-verify: run \`npm ci\` in ${packageRoot}`,
    ]);
  }
}

/**
 * The environment vitest runs the suites with: the lab's folder and files (read back by
 * helpers/lab/lab-source.ts), the report folder, and the provider and runtime asked for.
 */
export function suitesEnv(o: {
  dir: string;
  reports: string;
  topology?: string;
  fixtures?: string;
  provider?: string;
  runtime?: string;
  runtimeOf?: string;
  scenarioLabs?: number;
}): Record<string, string> {
  return {
    [SUITES_ENV.dir]: o.dir,
    ANYCAST_VERIFY_REPORTS: o.reports,
    ...(o.topology ? { [SUITES_ENV.topology]: o.topology } : {}),
    ...(o.fixtures ? { [SUITES_ENV.fixtures]: o.fixtures } : {}),
    ...(o.provider ? { ANYCAST_VERIFY_PROVIDER: o.provider } : {}),
    ...(o.runtime ? { ANYCAST_VERIFY_RUNTIME: o.runtime } : {}),
    ...(o.runtimeOf ? { ANYCAST_VERIFY_RUNTIME_OF: o.runtimeOf } : {}),
    ...(o.scenarioLabs !== undefined ? { ANYCAST_VERIFY_SCENARIO_LABS: String(o.scenarioLabs) } : {}),
  };
}

/**
 * The run's last line, from the report's own verdict (failed tests, and errors outside them, a run
 * of no test among them), counted as the report counts (not verified apart from plain skips).
 */
export function verdictOf(run: RunResults, exitCode: number): { ok: boolean; verdict: string } {
  const doc = buildSummary(run);
  const { passed, failed } = doc.counts;
  const total = run.tests.length;
  const aside = notRunAside(doc.counts);
  const ok = doc.verdict === 'pass' && exitCode === 0;
  const verdict = ok
    ? `passed: ${passed} of ${total} tests${aside ? ` (${aside}: see the report)` : ''}`
    : failed
      ? `FAILED: ${failed} of ${total} tests failed`
      : doc.runErrors.length
        ? `FAILED: ${doc.runErrors.join('; ')}`
        : `FAILED: vitest exited ${exitCode} (an error outside the tests; see the output above)`;
  return { ok, verdict };
}

export function addTestCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('test')
    .description(
      'run the lab suites on the lab in the -C folder (a fresh lab, removed after); print the verdict and where the report is (reports/index.html)',
    )
    .argument('[suites...]', 'only the suite files whose name contains one of these (e.g. 0-smoke 4-failover)')
    .addOption(runtimeOption())
    .addOption(runtimeOfOption())
    .option(
      '--scenario-labs <n>',
      "copies of the lab the fault and breakage scenarios run on side by side (0: one after another on the one lab; default: one lab per two free cores, the run's own included, so none on a host with 2 or 3, as memory allows)",
      integerOption(0),
    )
    .action(async (filters: string[], o: { runtime?: string; runtimeOf?: string; scenarioLabs?: number }) => {
      const opts = globals();
      const dir = resolve(opts.dir);
      const progress = stderrProgress({ quiet: opts.quiet, prefix: 'test' });
      // Before minutes of bring-up: the files are a lab (exit 2), the host can run it (exit 3).
      const model = loadModel(opts);
      await (
        await createProvider(providerName(opts.provider), model)
      ).preflight({ runtime: o.runtime, runtimeOf: o.runtimeOf });
      const bin = vitestBin();
      const reports = reportsDir(dir);
      const results = join(reports, 'results.json');
      progress.info(`the lab suites on lab "${model.name}" from ${dir} (a fresh lab; a few minutes)`);
      const started = Date.now();
      const child = execa(process.execPath, [bin, 'run', '--project', 'lab', ...filters], {
        cwd: PACKAGE_ROOT,
        reject: false,
        stdio: 'inherit',
        // --topology and --fixtures stay relative to the folder, as the suites resolve them there.
        env: suitesEnv({
          dir,
          reports,
          topology: opts.topology,
          fixtures: opts.fixtures,
          provider: opts.provider,
          runtime: o.runtime,
          runtimeOf: o.runtimeOf,
          scenarioLabs: o.scenarioLabs,
        }),
      });
      // Ctrl-C reaches the suites too (same process group) and they remove their lab; a SIGTERM
      // sent to this process alone is passed on. Either way, wait for the suites to finish.
      let interrupted: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        interrupted = sig;
        progress.info(`${sig}: the suites remove their lab, then stop`);
        if (sig === 'SIGTERM') child.kill('SIGTERM');
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const r = await child.finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
      if (interrupted) {
        process.exitCode = exitCodeFor(interrupted);
        return;
      }
      if (!existsSync(results) || statSync(results).mtimeMs < started)
        throw new Error(`the suites wrote no ${results} (vitest exit ${r.exitCode}); see the output above`);
      const { ok, verdict } = verdictOf(JSON.parse(readFileSync(results, 'utf8')) as RunResults, r.exitCode ?? 1);
      process.stdout.write(`${verdict}\nreport: ${join(reports, 'index.html')}\n`);
      process.exitCode = ok ? EXIT.ok : EXIT.failed;
    });
}
