/**
 * `anycast-verify rehearse --from <runtime> --to <runtime> [--order a,b,…] [--strategy s,…]`:
 * what a version bump costs in traffic, step by step, before the change window. For each
 * strategy a lab of its own comes up on the old versions, every router and cluster is upgraded
 * in the order given while every client sends requests and holds connections, and the per-step
 * table (lost, broken, degraded seconds, each against its predicted bound) is written to
 * <reports>/rehearsal/. Exits 1 when a step broke its bound or a session was not as configured.
 */
import { Option, type Command } from 'commander';
import { rehearse } from '../../experiment/rehearse.js';
import { isUpgradeStrategy, UPGRADE_STRATEGIES, upgradeSteps, type UpgradeStrategy } from '../../faults/upgrades.js';
import { providerName } from '../../lab/select-provider.js';
import { Interrupts } from '../../os/interrupts.js';
import { stderrProgress } from '../../os/progress.js';
import { rehearsalProblems, writeRehearsalReport } from '../../report/rehearsal-report.js';
import { reportsDir } from '../../report/reports-dir.js';
import { RUNTIME_SUITES } from '../../runtimes/catalog.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { loadModel, type GlobalOpts } from '../global-options.js';
import { join } from 'node:path';

const STRATEGIES = Object.keys(UPGRADE_STRATEGIES) as UpgradeStrategy[];

function strategyList(v: string): UpgradeStrategy[] {
  const names = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !isUpgradeStrategy(n));
  if (bad.length || !names.length)
    throw new UsageError(`--strategy: ${bad.join(', ') || '(empty)'} is not one of ${STRATEGIES.join(', ')}`);
  return names as UpgradeStrategy[];
}

export function addRehearseCommand(program: Command, globals: () => GlobalOpts): void {
  program
    .command('rehearse')
    .description(
      'rehearse an upgrade on a lab of its own: restart each router (FRR) and cluster (GoBGP) from the new runtime, one at a time, under traffic, and report what each step cost against its predicted bound',
    )
    .addOption(
      new Option('--from <runtime>', 'the versions running before the upgrade')
        .choices(RUNTIME_SUITES)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--to <runtime>', 'the versions to upgrade to').choices(RUNTIME_SUITES).makeOptionMandatory())
    .option(
      '--order <names>',
      'routers and clusters in the order to upgrade them, comma-separated (default: every router in the topology order, then every cluster)',
    )
    .addOption(
      new Option(
        '--strategy <names>',
        `comma-separated, from: ${STRATEGIES.map((s) => `${s} (${UPGRADE_STRATEGIES[s].title})`).join('; ')}`,
      )
        .argParser(strategyList)
        .default(STRATEGIES, STRATEGIES.join(',')),
    )
    .action(async (o: { from: string; to: string; order?: string; strategy: UpgradeStrategy[] }) => {
      const opts = globals();
      if (providerName(opts.provider) !== 'netns')
        throw new UsageError(
          'rehearse runs on the netns provider only: restarting a containerlab router on another image or rolling Cilium by Helm under the probe is not built',
        );
      const model = loadModel(opts);
      // The order is checked before any lab comes up.
      upgradeSteps(model, o.order);
      const progress = stderrProgress({ quiet: opts.quiet });
      const interrupts = new Interrupts({ progress, what: 'the rehearsal', then: 'removing its lab' });
      try {
        const results = await rehearse({
          model,
          from: o.from,
          to: o.to,
          strategies: o.strategy,
          order: o.order,
          progress,
          signal: interrupts.signal,
        });
        const dir = join(reportsDir(opts.dir), 'rehearsal');
        const md = writeRehearsalReport(dir, results, o.from, o.to);
        const problems = results.flatMap(rehearsalProblems);
        for (const r of results)
          for (const s of r.findings?.steps ?? [])
            process.stdout.write(
              `${r.strategy.padEnd(17)} ${s.run.step.name.padEnd(10)} lost ${s.clients.map((c) => `${c.client} ${c.lost}/≤${c.prediction.maxLost}`).join(', ')}; broken ${s.broken.length}; degraded ${s.degradedSeconds.toFixed(2)} s${s.fibWithdrawnAtStop.length ? `; FRR's stop withdrew ${s.fibWithdrawnAtStop.join(', ')}'s routes` : ''}${s.overBound.length ? '  OVER BOUND' : ''}\n`,
            );
        process.stdout.write(
          problems.length
            ? `rehearsal failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\nreport: ${md}\n`
            : `every step kept its bound; report: ${md}\n`,
        );
        process.exitCode = interrupts.exitCode ?? (problems.length ? EXIT.failed : EXIT.ok);
      } finally {
        interrupts.dispose();
      }
    });
}
