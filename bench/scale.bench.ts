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
import { allVipsPlan, timeAllVipsMove } from '../helpers/faults/all-vips.js';
import { bringUp } from '../helpers/lab/bring-up.js';
import { createProvider } from '../helpers/lab/select-provider.js';
import { loadLabModel } from '../helpers/model/lab-model.js';
import { silentProgress } from '../helpers/runtime/progress.js';
import { readState } from '../helpers/runtime/run-state.js';
import { scaleTable, scalePlot, type ScaleCell, type ScaleRun } from '../helpers/report/bench-scale.js';
import { median, timingProgress } from './support.js';

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
  const steps: Record<string, number> = {};
  const t0 = now();
  const { lab } = await bringUp(provider, { progress: timingProgress(steps), persistent: false }, 'require');
  const upToConverged = (now() - t0) / 1000;
  let measured: Omit<ScaleRun, 'down'> & { versions?: Record<string, string> };
  let down: number;
  try {
    const memory = [labMemoryMiB(model.name)];
    const plan = allVipsPlan(lab);
    let restore: (() => Promise<void>)[] = [];
    const withdraw = await timeAllVipsMove(
      lab,
      plan,
      plan.survivors,
      async () => {
        restore = (await Promise.all(plan.victimNodes.map((n) => lab.injectFault('vip-withdrawn', n)))).map(
          (f) => f.restore,
        );
      },
      60_000,
    );
    memory.push(labMemoryMiB(model.name));
    const back = await timeAllVipsMove(
      lab,
      plan,
      plan.full,
      async () => void (await Promise.all(restore.map((r) => r()))),
      60_000,
    );
    const problems = [...withdraw.notMoved, ...back.notMoved, ...withdraw.blackHoled, ...back.blackHoled];
    if (problems.length) throw new Error(`the failover did not complete: ${problems.slice(0, 3).join('; ')}`);
    measured = {
      versions: withVersions ? await lab.versions() : undefined,
      converge: steps['BGP converged'] ?? NaN,
      upToConverged,
      bringUp: upToConverged - (steps['BGP converged'] ?? NaN),
      withdrawAll: withdraw.seconds ?? NaN,
      restoreAll: back.seconds ?? NaN,
      memoryMiB: Math.max(...memory),
      routeEvents: withdraw.events,
    };
  } finally {
    const d0 = now();
    await provider.down({ progress: silentProgress });
    down = (now() - d0) / 1000;
  }
  return { ...measured, down };
}

async function suitesWall(
  dir: string,
): Promise<{ seconds: number; passed: number; failed: number; failing: string[] }> {
  const reports = mkdtempSync(join(tmpdir(), 'anycast-verify-bench-reports-'));
  try {
    const t0 = now();
    await execa('npx', ['vitest', 'run', '--project', 'lab', ...SUITES.map((s) => `suites/${s}.test.ts`)], {
      cwd: root,
      env: { ANYCAST_VERIFY_DIR: dir, ANYCAST_VERIFY_REPORTS: reports },
      reject: false,
      stdio: 'ignore',
    });
    const seconds = (now() - t0) / 1000;
    const r = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as {
      counts: { passed?: number; failed?: number };
      tests: { file: string; name: string; state: string; error?: string }[];
    };
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
    try {
      writeGeneratedLab({ clusters, nodesPerCluster: 1, services, clients: 2, spines: 1 }, root, dir);
      const samples: ScaleRun[] = [];
      for (let i = 0; i < runs; i++) {
        const downStart = now();
        const { versions: v, ...r } = await runOnce(dir, !Object.keys(versions).length);
        if (v) versions = v;
        samples.push(r);
        process.stdout.write(
          `N=${clusters} K=${services} run ${i + 1}/${runs}: up ${r.bringUp.toFixed(2)} s + converge ${r.converge.toFixed(2)} s, withdraw all ${r.withdrawAll.toFixed(3)} s, restore all ${r.restoreAll.toFixed(3)} s, ${r.memoryMiB.toFixed(0)} MiB (${((now() - downStart) / 1000).toFixed(1)} s in all)\n`,
        );
      }
      const wantSuites = values.suites === 'all' || values.suites.split(',').includes(`${clusters}x${services}`);
      const suites = wantSuites ? await suitesWall(dir) : undefined;
      if (suites)
        process.stdout.write(
          `N=${clusters} K=${services} suites: ${suites.seconds.toFixed(0)} s, ${suites.passed} passed, ${suites.failed} failed${suites.failing.map((f) => `\n  failed: ${f}`).join('')}\n`,
        );
      const med = (k: keyof ScaleRun) => median(samples.map((s) => s[k]));
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
        },
        suites,
        samples,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

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
