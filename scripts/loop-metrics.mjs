#!/usr/bin/env node
// What a flake loop measured, metric by metric: reads <loop dir>/run<i>/results.json (the reports
// scripts/flake-loop.sh keeps) and prints, per test and metric, min / median / max over the runs
// and the smallest margin to its budget, run by run (a drain's budget counts that run's own commands,
// so it differs by run). Usage:
//   node scripts/loop-metrics.mjs <loop dir> [key regex = ^failover\.(moved|back|command\.)] [runs to skip, e.g. 10,12]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, pattern = '^failover\\.(moved|back|command\\.)', skip = ''] = process.argv.slice(2);
if (!dir || !existsSync(dir)) {
  console.error('usage: node scripts/loop-metrics.mjs <loop dir> [key regex] [runs to skip, e.g. 10,12]');
  process.exit(2);
}
const keyRe = new RegExp(pattern);
const skipped = new Set(skip.split(',').filter(Boolean).map(Number));
const runs = readdirSync(dir)
  .map((d) => /^run(\d+)$/.exec(d))
  .filter((m) => m && !skipped.has(Number(m[1])) && existsSync(join(dir, m[0], 'results.json')))
  .map((m) => m[0]);
const seen = new Map();
const walk = (x, fn) => {
  if (Array.isArray(x)) x.forEach((y) => walk(y, fn));
  else if (x && typeof x === 'object') {
    fn(x);
    Object.values(x).forEach((y) => walk(y, fn));
  }
};
for (const run of runs)
  walk(JSON.parse(readFileSync(join(dir, run, 'results.json'), 'utf8')), (t) => {
    if (!t.name || !Array.isArray(t.metrics)) return;
    for (const m of t.metrics) {
      if (!keyRe.test(m.key) || typeof m.value !== 'number') continue;
      const k = `${t.name.split(' > ').pop()} | ${m.key}`;
      if (!seen.has(k)) seen.set(k, { values: [], budgets: [], margins: [] });
      const s = seen.get(k);
      s.values.push(m.value);
      if (typeof m.budget === 'number') {
        s.budgets.push(m.budget);
        s.margins.push(m.budget - m.value);
      }
    }
  });
console.log(`${runs.length} runs (${runs.join(', ')})`);
for (const [k, { values, budgets, margins }] of seen) {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  const f = (x) => x.toFixed(3);
  const lo = Math.min(...budgets);
  const hi = Math.max(...budgets);
  const budget = lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
  const margin = budgets.length ? `  budget ${budget}, smallest margin ${f(Math.min(...margins))}` : '';
  console.log(`${k}: n ${v.length}, ${f(v[0])} / ${f(median)} / ${f(v.at(-1))}${margin}`);
}
