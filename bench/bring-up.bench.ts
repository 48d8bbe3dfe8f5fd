/**
 * Bring-up benchmark: `up` to converged (every session Established, every FIB as the configs
 * say), then `down`, N times (default 5). Prints each run (wall time, steps, CPU seconds of the
 * lab's daemons and of the bring-up itself) and the medians, and writes
 * reports/bench-bring-up.json. Run with `npm run bench` (as root, no lab up); ANYCAST_VERIFY_DIR
 * benches another lab folder (a renamed copy runs beside other labs on the host).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadLabModel } from '../helpers/model/lab-model.js';
import { requestedFiles } from '../helpers/lab/lab-source.js';
import { createProvider, providerName } from '../helpers/lab/select-provider.js';
import { bringUp } from '../helpers/lab/bring-up.js';
import { silentProgress } from '../helpers/os/progress.js';
import { labCpuSeconds, median, timingProgress } from './support.js';

/**
 * CPU seconds of this process (`self`) and of its reaped children (`commands`: the ip, vtysh,
 * gobgp… commands bring-up runs; a daemon it started counts there too once a `down` has reaped it,
 * which is why the lab's daemons are read by their records instead).
 */
function ownCpuSeconds(): { self: number; commands: number } {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const s = (...i: number[]) => i.reduce((sum, k) => sum + Number(f[k]), 0) / 100;
  return { self: s(11, 12), commands: s(13, 14) };
}

const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = resolve(import.meta.dirname, '..');
// ANYCAST_VERIFY_DIR (and _TOPOLOGY, _FIXTURES) bench another lab's files, as the suites read them.
const model = loadLabModel(requestedFiles(root));
const provider = await createProvider(providerName(), model);
await provider.preflight();

const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
const results: {
  totalSeconds: number;
  downSeconds: number;
  steps: Record<string, number>;
  /** CPU seconds to converged: the lab's daemons by kind, and the bring-up itself (this process and the commands it ran). */
  cpu: { lab: Record<string, number>; labTotal: number; orchestration: number; self: number; commands: number };
}[] = [];
let versions: Record<string, string> = {};
for (let i = 0; i < runs; i++) {
  const steps: Record<string, number> = {};
  const t0 = performance.now();
  const cpu0 = ownCpuSeconds();
  const { lab } = await bringUp(provider, { progress: timingProgress(steps), persistent: false }, 'require');
  const total = (performance.now() - t0) / 1000;
  const labCpu = labCpuSeconds(model.name);
  const cpu1 = ownCpuSeconds();
  const self = cpu1.self - cpu0.self;
  const commands = cpu1.commands - cpu0.commands;
  const cpu = {
    lab: labCpu,
    labTotal: Object.values(labCpu).reduce((a, b) => a + b, 0),
    orchestration: self + commands,
    self,
    commands,
  };
  if (i === 0) versions = await lab.versions();
  const d0 = performance.now();
  await provider.down({ progress: silentProgress });
  const down = (performance.now() - d0) / 1000;
  results.push({ totalSeconds: total, downSeconds: down, steps, cpu });
  const byKind = Object.entries(cpu.lab)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
  const stepTimes = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Number(v.toFixed(2))]));
  process.stdout.write(
    `run ${i + 1}/${runs}: up to converged ${total.toFixed(2)} s, CPU ${(cpu.labTotal + cpu.orchestration).toFixed(2)} s ` +
      `(lab ${cpu.labTotal.toFixed(2)}: ${byKind}; bring-up ${cpu.orchestration.toFixed(2)}: process ${cpu.self.toFixed(2)}, commands ${cpu.commands.toFixed(2)}) ` +
      `(down ${down.toFixed(2)} s) ${JSON.stringify(stepTimes)}\n`,
  );
}
const summary = {
  provider: provider.name,
  versions,
  runs,
  medianSeconds: median(results.map((r) => r.totalSeconds)),
  minSeconds: Math.min(...results.map((r) => r.totalSeconds)),
  maxSeconds: Math.max(...results.map((r) => r.totalSeconds)),
  medianDownSeconds: median(results.map((r) => r.downSeconds)),
  medianCpuSeconds: median(results.map((r) => r.cpu.labTotal + r.cpu.orchestration)),
  medianLabCpuSeconds: median(results.map((r) => r.cpu.labTotal)),
  medianBringUpCpuSeconds: median(results.map((r) => r.cpu.orchestration)),
  loadAverage: { before: loadBefore, after: '' },
  results,
};
// Other labs on the host share its cores: the load says how comparable the wall times are.
summary.loadAverage.after = readFileSync('/proc/loadavg', 'utf8').trim();
mkdirSync(join(root, 'reports'), { recursive: true });
writeFileSync(join(root, 'reports', 'bench-bring-up.json'), JSON.stringify(summary, null, 2));
process.stdout.write(
  `median bring-up to converged (${versions.runtime ? `runtime ${versions.runtime}: FRR ${versions.frr}, GoBGP ${versions.gobgp}` : provider.name}): ${summary.medianSeconds.toFixed(2)} s over ${runs} runs (min ${summary.minSeconds.toFixed(2)}, max ${summary.maxSeconds.toFixed(2)}), median CPU ${summary.medianCpuSeconds.toFixed(2)} s (lab ${summary.medianLabCpuSeconds.toFixed(2)}, bring-up ${summary.medianBringUpCpuSeconds.toFixed(2)}); median down ${summary.medianDownSeconds.toFixed(2)} s; load average ${summary.loadAverage.before} → ${summary.loadAverage.after}\n`,
);
