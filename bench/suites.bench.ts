/**
 * The test run's wall time, the scenarios one after another on the run's lab vs side by side on
 * scenario labs (helpers/lab/lab-pool.ts), with the critical path of each parallel run named,
 * and whether running side by side moves the event-timed metrics (failover.*, rehash.*, …):
 * each metric's median and range in both modes, from the runs' results.json. Each run's host
 * CPU (core-seconds busy, host-wide) and the floor it sets: core-seconds ÷ cores, the least wall
 * time any number of labs side by side could reach on this host.
 *
 *   sudo npx tsx bench/suites.bench.ts [--runs 5] [--modes parallel,sequential] [--copies 2] [--unit]
 *
 * parallel runs with --copies scenario labs (default 2, whatever the host's default would be);
 * sequential with none.
 * --unit times `npm test` itself (unit tests and lab suites); without it, the lab suites alone.
 * ANYCAST_VERIFY_DIR picks the lab (default: this package's seed lab). Writes
 * reports/bench-suites.json and a Markdown table to reports/bench-suites.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { median } from './support.js';
import { SCENARIO_LABS_FILE, type PoolSummary } from '../helpers/lab/pool-log.js';
import { busyCoreSeconds, hostCpuTicks } from '../helpers/os/host-cpu.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
type Mode = 'parallel' | 'sequential';

interface Run {
  mode: Mode;
  wallSeconds: number;
  /**
   * Core-seconds the host was busy during the run (/proc/stat: the run's processes, the labs'
   * daemons, its short-lived commands, the kernel's packet work, and anything else running).
   */
  cpuCoreSeconds: number;
  /** cpuCoreSeconds ÷ the host's cores: no schedule of this work ends sooner on this host. */
  cpuFloorSeconds: number;
  load: number;
  passed: number;
  failed: number;
  criticalPath?: PoolSummary['criticalPath'];
  slowest?: PoolSummary['slowest'];
  metrics: Record<string, number>;
}

async function oneRun(mode: Mode, unit: boolean, copies: number): Promise<Run> {
  const reports = mkdtempSync(join(tmpdir(), 'anycast-verify-bench-suites-'));
  try {
    const load = loadavg()[0]!;
    const t0 = performance.now();
    const cpu0 = hostCpuTicks();
    const projects = unit ? ['--project', 'unit', '--project', 'lab'] : ['--project', 'lab'];
    const r = await execa(process.execPath, [VITEST, 'run', ...projects], {
      cwd: ROOT,
      reject: false,
      all: true,
      env: {
        ANYCAST_VERIFY_REPORTS: reports,
        ANYCAST_VERIFY_SCENARIO_LABS: mode === 'sequential' ? '0' : String(copies),
      },
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpuCoreSeconds = busyCoreSeconds(cpu0, hostCpuTicks());
    const results = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as {
      counts: { passed?: number; failed?: number };
      tests: { name: string; metrics?: { key: string; value: unknown }[] }[];
    };
    const metrics: Record<string, number> = {};
    for (const t of results.tests)
      for (const m of t.metrics ?? [])
        if (typeof m.value === 'number') metrics[`${t.name.split(' > ').at(-1)!.split(':')[0]} ${m.key}`] = m.value;
    const pool = existsSync(join(reports, SCENARIO_LABS_FILE))
      ? (JSON.parse(readFileSync(join(reports, SCENARIO_LABS_FILE), 'utf8')) as PoolSummary)
      : undefined;
    if (r.exitCode !== 0) process.stderr.write(`${mode} run exited ${r.exitCode}; its tail:\n${r.all?.slice(-3000)}\n`);
    return {
      mode,
      wallSeconds,
      cpuCoreSeconds,
      cpuFloorSeconds: cpuCoreSeconds / availableParallelism(),
      load,
      passed: results.counts.passed ?? 0,
      failed: results.counts.failed ?? 0,
      criticalPath: pool?.criticalPath,
      slowest: pool?.slowest,
      metrics,
    };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

const range = (xs: number[]) =>
  xs.length ? `${median(xs).toFixed(3)} [${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}]` : '–';

function table(runs: Run[], modes: Mode[]): string {
  const lines = [
    `| | ${modes.join(' | ')} |`,
    `|---|${modes.map(() => '---').join('|')}|`,
    `| wall s, median [min–max] | ${modes.map((m) => range(runs.filter((r) => r.mode === m).map((r) => r.wallSeconds))).join(' | ')} |`,
    `| host CPU core-s, median [min–max] | ${modes.map((m) => range(runs.filter((r) => r.mode === m).map((r) => r.cpuCoreSeconds))).join(' | ')} |`,
    `| CPU floor s (core-s ÷ ${availableParallelism()} cores) | ${modes.map((m) => range(runs.filter((r) => r.mode === m).map((r) => r.cpuFloorSeconds))).join(' | ')} |`,
    `| failed tests, per run | ${modes
      .map((m) =>
        runs
          .filter((r) => r.mode === m)
          .map((r) => r.failed)
          .join(', '),
      )
      .join(' | ')} |`,
  ];
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].filter((k) =>
    /failover\.(moved|back|transient|outage|lost)|rehash\.|all-vips\./.test(k),
  );
  for (const k of keys.sort())
    lines.push(
      `| ${k} | ${modes.map((m) => range(runs.filter((r) => r.mode === m && k in r.metrics).map((r) => r.metrics[k]!))).join(' | ')} |`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      modes: { type: 'string', default: 'parallel,sequential' },
      unit: { type: 'boolean', default: false },
      copies: { type: 'string', default: '2' },
    },
  });
  const modes = values.modes.split(',') as Mode[];
  const runs: Run[] = [];
  for (let i = 0; i < Number(values.runs); i++)
    for (const mode of modes) {
      const r = await oneRun(mode, values.unit, Number(values.copies));
      runs.push(r);
      process.stderr.write(
        `run ${i + 1} ${mode}: ${r.wallSeconds.toFixed(1)} s wall, ${r.cpuCoreSeconds.toFixed(0)} core-s of host CPU (floor ${r.cpuFloorSeconds.toFixed(0)} s on ${availableParallelism()} cores) (load ${r.load.toFixed(2)} at start), ${r.passed} passed, ${r.failed} failed${r.criticalPath ? `; critical path ${r.criticalPath.copy} ${r.criticalPath.seconds} s: ${r.criticalPath.chain.join(', ')}` : ''}\n`,
      );
    }
  const md = `# ${values.unit ? 'npm test' : 'lab suites'}: scenarios side by side on ${values.copies} copies vs one after another (${new Date().toISOString().slice(0, 10)})\n\n${table(runs, modes)}\n`;
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(join(ROOT, 'reports', 'bench-suites.json'), `${JSON.stringify(runs, null, 2)}\n`);
  writeFileSync(join(ROOT, 'reports', 'bench-suites.md'), md);
  process.stdout.write(md);
}

await main();
