/**
 * Bring-up benchmark: `up` to converged (every session Established, every FIB as the configs
 * say), then `down`, N times (default 5). Prints each run and the median, and writes
 * reports/bench-bring-up.json. Run with `npm run bench` (as root, no lab up).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadLabModel } from '../helpers/model/lab-model.js';
import { createProvider, providerName } from '../helpers/lab/select-provider.js';
import { bringUp } from '../helpers/lab/bring-up.js';
import { silentProgress } from '../helpers/runtime/progress.js';
import { median, timingProgress } from './support.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = resolve(import.meta.dirname, '..');
const model = loadLabModel({ root });
const provider = await createProvider(providerName(), model);
await provider.preflight();

const results: { totalSeconds: number; downSeconds: number; steps: Record<string, number> }[] = [];
let versions: Record<string, string> = {};
for (let i = 0; i < runs; i++) {
  const steps: Record<string, number> = {};
  const t0 = performance.now();
  const { lab } = await bringUp(provider, { progress: timingProgress(steps), persistent: false }, 'require');
  const total = (performance.now() - t0) / 1000;
  if (i === 0) versions = await lab.versions();
  const d0 = performance.now();
  await provider.down({ progress: silentProgress });
  const down = (performance.now() - d0) / 1000;
  results.push({ totalSeconds: total, downSeconds: down, steps });
  process.stdout.write(
    `run ${i + 1}/${runs}: up to converged ${total.toFixed(2)} s (down ${down.toFixed(2)} s) ${JSON.stringify(Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Number(v.toFixed(2))])))}\n`,
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
  results,
};
mkdirSync(join(root, 'reports'), { recursive: true });
writeFileSync(join(root, 'reports', 'bench-bring-up.json'), JSON.stringify(summary, null, 2));
process.stdout.write(
  `median bring-up to converged (${versions.runtime ? `runtime ${versions.runtime}: FRR ${versions.frr}, GoBGP ${versions.gobgp}` : provider.name}): ${summary.medianSeconds.toFixed(2)} s over ${runs} runs (min ${summary.minSeconds.toFixed(2)}, max ${summary.maxSeconds.toFixed(2)}); median down ${summary.medianDownSeconds.toFixed(2)} s\n`,
);
