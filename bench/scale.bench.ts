/**
 * Scale benchmark: generated labs of N clusters × K services (one node per cluster, two
 * clients) on the netns provider. Per lab and run: bring-up (namespaces to every daemon
 * answering), convergence (to every VIP with its N next hops at every ECMP router, and every
 * session Established), the withdrawal of every VIP of one cluster until every ECMP router
 * holds every VIP over the survivors (and the restore, back to N), teardown, and the memory of
 * the lab's processes (proportional set size, summed). With --suites NxK,… (or `all`), the wall
 * time of the suites on those labs, once each. Medians of --runs runs go to reports/bench.json, a Markdown table
 * to reports/bench.md and the plot to reports/bench.svg.
 *
 *   npm run bench:scale -- [--clusters 2,4,8,16] [--services 1,100,1000] [--runs 3] [--suites 2x1,16x1000|all]
 *
 * As root, with no other lab of the generated names up. Each lab lives in a temp folder,
 * removed at the end, and is torn down after every run even when one fails.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { writeGeneratedLab } from '../helpers/generate/write-lab.js';
import { allVipsPlan } from '../helpers/faults/all-vips.js';
import { faultTarget } from '../helpers/faults/fault-target.js';
import { runFault } from '../helpers/experiment/run-fault.js';
import { allVipsScenario } from '../helpers/experiment/all-vips-scenario.js';
import type { ObserverFactory } from '../helpers/experiment/timeline.js';
import { bringUp } from '../helpers/lab/bring-up.js';
import { createProvider } from '../helpers/lab/select-provider.js';
import { loadLabModel } from '../helpers/model/lab-model.js';
import { silentProgress, stderrProgress } from '../helpers/os/progress.js';
import { Interrupts } from '../helpers/os/interrupts.js';
import type { LabProvider } from '../helpers/providers/api/lab-provider.js';
import { readState } from '../helpers/os/run-state.js';
import {
  scaleTable,
  scalePlot,
  type ScaleCell,
  type ScaleFigure,
  type ScaleRun,
} from '../helpers/report/bench-scale.js';
import type { RunResults } from '../helpers/report/run-summary.js';
import { labCpuSeconds, median, timingProgress } from './support.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '2,4,8,16' },
    services: { type: 'string', default: '1,100,1000' },
    runs: { type: 'string', default: '3' },
    suites: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('*/')[0]!
      .replace(/^\/\*\*|^ \* ?/gm, ''),
  );
  process.exit(0);
}
const list = (s: string) => s.split(',').map(Number);
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
/** The suites that grow with N and K (the fault suites 4 to 6 aim at one VIP and take the same time at any size). */
const SUITES = ['0-smoke', '1-bgp-sessions', '2-intent', '2-vip-routes', '3-client-paths', '7-all-vips'];
const now = () => performance.now();

/** What a signal must remove: the lab being measured, the suites' run, the lab's temp folder. */
const current: { provider?: LabProvider; suites?: ReturnType<typeof execa>; dir?: string } = {};
const interrupts = new Interrupts({
  progress: stderrProgress({ prefix: 'bench' }),
  what: 'the benchmark',
  then: 'removing its lab and temp folder',
});
interrupts.afterwards(async () => {
  // The suites' vitest tears its own lab down on SIGINT (helpers/os/interrupts.ts).
  current.suites?.kill('SIGINT');
  await current.suites?.catch(() => undefined);
  await current.provider?.down({ progress: silentProgress }).catch(() => undefined);
  if (current.dir) rmSync(current.dir, { recursive: true, force: true });
});

/** Proportional set size of every process the lab recorded, summed, in MiB. */
function labMemoryMiB(lab: string): number {
  let kib = 0;
  for (const p of readState(lab)?.processes ?? []) {
    try {
      kib += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone (a restarted speaker): not counted
    }
  }
  return kib / 1024;
}

async function runOnce(dir: string, withVersions: boolean): Promise<ScaleRun & { versions?: Record<string, string> }> {
  const model = loadLabModel({ root: dir });
  const provider = await createProvider('netns', model);
  current.provider = provider;
  const steps: Record<string, number> = {};
  const t0 = now();
  const { lab } = await bringUp(provider, { progress: timingProgress(steps), persistent: false }, 'require');
  const upToConverged = (now() - t0) / 1000;
  let measured: Omit<ScaleRun, 'down'> & { versions?: Record<string, string> };
  let down: number;
  try {
    const memory = [labMemoryMiB(model.name)];
    const cpu = labCpuSeconds(model.name);
    const plan = allVipsPlan(lab);
    // The lab's memory with every VIP withdrawn, sampled by an observer once the fabric has moved.
    const memoryWithdrawn: ObserverFactory<void> = () => ({
      ready: async () => undefined,
      settled: async (phase) => void (phase === 'moved' && memory.push(labMemoryMiB(model.name))),
      stop: async () => undefined,
      abort: async () => undefined,
    });
    const tl = await runFault(lab, allVipsScenario(faultTarget(lab), plan, 60_000), { memory: memoryWithdrawn });
    const [withdraw, back] = [tl.moved!, tl.back!];
    const problems = [
      ...tl.late,
      ...withdraw.notReached,
      ...back.notReached,
      ...withdraw.blackHoled,
      ...back.blackHoled,
    ];
    if (problems.length) throw new Error(`the failover did not complete: ${problems.slice(0, 3).join('; ')}`);
    const seconds = (t: number | undefined, t0: number) => (t === undefined ? NaN : (t - t0) / 1000);
    measured = {
      versions: withVersions ? await lab.versions() : undefined,
      converge: steps['BGP converged'] ?? NaN,
      upToConverged,
      bringUp: upToConverged - (steps['BGP converged'] ?? NaN),
      withdrawAll: seconds(withdraw.t, tl.tFault),
      restoreAll: seconds(back.t, tl.tRestore),
      memoryMiB: Math.max(...memory),
      routeEvents: withdraw.events,
      cpu,
      steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Number(v.toFixed(2))])),
    };
  } finally {
    const d0 = now();
    await provider.down({ progress: silentProgress });
    down = (now() - d0) / 1000;
    current.provider = undefined;
  }
  return { ...measured, down };
}

async function suitesWall(
  dir: string,
): Promise<{ seconds: number; passed: number; failed: number; failing: string[] }> {
  const reports = mkdtempSync(join(tmpdir(), 'anycast-verify-bench-reports-'));
  try {
    const t0 = now();
    current.suites = execa('npx', ['vitest', 'run', '--project', 'lab', ...SUITES.map((s) => `suites/${s}.test.ts`)], {
      cwd: root,
      env: { ANYCAST_VERIFY_DIR: dir, ANYCAST_VERIFY_REPORTS: reports },
      reject: false,
      stdio: 'ignore',
    });
    await current.suites;
    current.suites = undefined;
    const seconds = (now() - t0) / 1000;
    const r = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as RunResults;
    const failing = r.tests.filter((t) => t.state === 'failed').map((t) => `${t.file} › ${t.name}: ${t.error ?? ''}`);
    return { seconds, passed: r.counts.passed ?? 0, failed: r.counts.failed ?? 0, failing };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

const cells: ScaleCell[] = [];
let versions: Record<string, string> = {};
for (const clusters of list(values.clusters))
  for (const services of list(values.services)) {
    const dir = mkdtempSync(join(tmpdir(), `anycast-verify-bench-${clusters}x${services}-`));
    current.dir = dir;
    try {
      writeGeneratedLab({ clusters, nodesPerCluster: 1, services, clients: 2, spines: 1 }, root, dir);
      const samples: ScaleRun[] = [];
      for (let i = 0; i < runs; i++) {
        const downStart = now();
        const { versions: v, ...r } = await runOnce(dir, !Object.keys(versions).length);
        if (v) versions = v;
        samples.push(r);
        process.stdout.write(
          `N=${clusters} K=${services} run ${i + 1}/${runs}: ${JSON.stringify(r.steps)} up ${r.bringUp.toFixed(2)} s + converge ${r.converge.toFixed(2)} s, withdraw all ${r.withdrawAll.toFixed(3)} s, restore all ${r.restoreAll.toFixed(3)} s, ${r.memoryMiB.toFixed(0)} MiB (${((now() - downStart) / 1000).toFixed(1)} s in all)\n`,
        );
      }
      const wantSuites = values.suites === 'all' || values.suites.split(',').includes(`${clusters}x${services}`);
      const suites = wantSuites ? await suitesWall(dir) : undefined;
      if (suites)
        process.stdout.write(
          `N=${clusters} K=${services} suites: ${suites.seconds.toFixed(0)} s, ${suites.passed} passed, ${suites.failed} failed${suites.failing.map((f) => `\n  failed: ${f}`).join('')}\n`,
        );
      const med = (k: ScaleFigure) => median(samples.map((s) => s[k]));
      const kinds = [...new Set(samples.flatMap((s) => Object.keys(s.cpu ?? {})))];
      cells.push({
        clusters,
        services,
        runs,
        median: {
          bringUp: med('bringUp'),
          converge: med('converge'),
          upToConverged: med('upToConverged'),
          withdrawAll: med('withdrawAll'),
          restoreAll: med('restoreAll'),
          down: med('down'),
          memoryMiB: med('memoryMiB'),
          routeEvents: med('routeEvents'),
          cpu: Object.fromEntries(kinds.map((k) => [k, median(samples.map((s) => s.cpu?.[k] ?? 0))])),
        },
        suites,
        samples,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      current.dir = undefined;
    }
  }
interrupts.dispose();

const out = join(root, 'reports');
mkdirSync(out, { recursive: true });
const report = { date: new Date().toISOString(), machine: machine(), versions, cells };
writeFileSync(join(out, 'bench.json'), JSON.stringify(report, null, 2));
writeFileSync(join(out, 'bench.md'), scaleTable(report));
writeFileSync(join(out, 'bench.svg'), scalePlot(cells));
process.stdout.write(`${scaleTable(report)}\nwrote reports/bench.json, bench.md, bench.svg\n`);

function machine(): string {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0;
  const mem = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024 / 1024;
  return `${cpus} cores, ${mem.toFixed(0)} GiB, kernel ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}`;
}
