/**
 * `anycast-verify runtimes [list|build]`: the FRR + GoBGP runtimes the netns lab runs from.
 */
import { Interrupts } from '../os/interrupts.js';
import type { Command } from 'commander';
import { loadVersions, type Versions } from '../model/version-pins.js';
import { stderrProgress } from '../os/progress.js';
import { buildRuntime } from '../runtimes/build.js';
import { frrNoteText } from '../runtimes/store.js';
import {
  CILIUM_EMBEDS,
  RUNTIME_SUITES,
  SUITE_SHIPS,
  chooseRuntime,
  isRuntimeSuite,
  type RuntimeSuite,
} from '../runtimes/catalog.js';
import { runtimeChoice } from '../runtimes/resolve.js';
import { allRuntimes, runtimesDir } from '../runtimes/store.js';
import { UsageError } from './exit-codes.js';

interface RuntimeRow {
  suite: RuntimeSuite;
  built: boolean;
  frr: string;
  gobgp: string;
  /** The pins (FRR, Cilium lines) this runtime is the closest stand-in for. */
  standsFor: string[];
  default: boolean;
  folder?: string;
  /** Built to a pin: whether FRR is exactly the pin, or Debian's and why (store.ts frrNoteText). */
  frrNote?: string;
}

function runtimeRows(pins: Versions, chosen: RuntimeSuite): RuntimeRow[] {
  return allRuntimes().map(({ suite, built }) => {
    // The Cilium release lines (with today's FRR pin) for which the lab's own rule picks this runtime.
    const lines = CILIUM_EMBEDS.filter(
      (e) => chooseRuntime({ frr: pins.FRR_VERSION, cilium: `${e.cilium}.0` }).suite === suite,
    ).map((e) => `Cilium ${e.cilium} (GoBGP ${e.gobgp})`);
    return {
      suite,
      built: !!built,
      frr: built?.manifest.frr ?? `${SUITE_SHIPS[suite].frr}?`,
      gobgp: built?.manifest.gobgp ?? `${SUITE_SHIPS[suite].gobgp}?`,
      standsFor: suite === chosen ? [`FRR ${pins.FRR_VERSION}`, ...lines] : lines,
      default: suite === chosen,
      folder: built?.root,
      ...(built?.manifest.frrPinned ? { frrNote: frrNoteText(built.manifest).trim() } : {}),
    };
  });
}

export function addRuntimeCommands(program: Command, projectRoot: () => string, quiet: () => boolean): void {
  const cmd = program
    .command('runtimes')
    .description(`the FRR + GoBGP runtimes the netns lab runs from (Debian root filesystems in ${runtimesDir()})`);

  cmd
    .command('list', { isDefault: true })
    .description('each runtime with its FRR and GoBGP versions, whether it is built, and which pins it stands for')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => {
      const root = projectRoot();
      const pins = loadVersions(root);
      const choice = runtimeChoice(root);
      const rows = runtimeRows(pins, choice.suite);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const lines = [
        `pins (versions.env): FRR ${pins.FRR_VERSION}, Cilium ${pins.CILIUM_VERSION} (embeds GoBGP ${choice.requested.gobgp})`,
        `default: ${choice.suite} — ${choice.reason}`,
        '',
      ];
      lines.push('runtime   built  FRR      GoBGP    stands for   (* default; ? = expected, not built)');
      for (const r of rows)
        lines.push(
          `${(r.suite + (r.default ? '*' : '')).padEnd(9)} ${(r.built ? 'yes' : 'no').padEnd(6)} ${r.frr.padEnd(8)} ${r.gobgp.padEnd(8)} ${r.standsFor.join(', ') || '-'}`,
        );
      for (const r of rows.filter((x) => x.frrNote)) lines.push(`${r.suite}: FRR ${r.frr} ${r.frrNote}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  cmd
    .command('build')
    .description('build runtimes (default: the one closest to versions.env); a built one is left alone unless --force')
    .argument('[suites...]', `Debian suites: ${RUNTIME_SUITES.join(', ')}, or "all"`)
    .option('--force', 'rebuild even if built')
    .option(
      '--debian-frr',
      "keep Debian's FRR in the runtime chosen for the pins (default: FRR_VERSION from FRR's repository where it can be reached)",
    )
    .action(async (suites: string[], o: { force?: boolean; debianFrr?: boolean }) => {
      const root = projectRoot();
      // The runtime that stands for the pins (by the pins alone: a --runtime / ANYCAST_VERIFY_RUNTIME
      // leg such as sid runs Debian's FRR on purpose) gets FRR at the pinned version where FRR's repository has it.
      const pins = loadVersions(root);
      const choice = chooseRuntime({ frr: pins.FRR_VERSION, cilium: pins.CILIUM_VERSION });
      const wanted =
        suites.length === 0 ? [runtimeChoice(root).suite] : suites.includes('all') ? [...RUNTIME_SUITES] : suites;
      for (const s of wanted)
        if (!isRuntimeSuite(s))
          throw new UsageError(`unknown runtime "${s}" (choose from: ${RUNTIME_SUITES.join(', ')}, all)`);
      const progress = stderrProgress({ quiet: quiet(), prefix: 'runtimes' });
      // Ctrl-C: stop the build and remove its partial folder before exiting.
      const interrupts = new Interrupts({ progress, what: 'the build', then: 'nothing half-built is kept' });
      try {
        for (const s of wanted as RuntimeSuite[]) {
          const t0 = performance.now();
          const frrExact = !o.debianFrr && s === choice.suite ? choice.requested.frr : undefined;
          const rt = await buildRuntime(s, { progress, force: o.force, signal: interrupts.signal, frrExact }).catch(
            (err: Error) => {
              if (interrupts.exitCode !== undefined) return undefined;
              throw err;
            },
          );
          if (!rt) {
            // Interrupted: the partial build is gone; the exit code says why.
            process.exitCode = interrupts.exitCode;
            return;
          }
          process.stdout.write(
            `runtime ${s}: FRR ${rt.manifest.frr}${frrNoteText(rt.manifest)}, GoBGP ${rt.manifest.gobgp} in ${rt.root} (${((performance.now() - t0) / 1000).toFixed(2)} s)\n`,
          );
        }
      } finally {
        interrupts.dispose();
      }
    });
}
