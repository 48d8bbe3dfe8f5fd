/**
 * The rehearsal's report: per strategy, the per-step table (what restarted, from which version
 * to which, how it stopped, what its peers saw, requests lost per client against the step's
 * bound, held connections broken, seconds the meeting points held fewer clusters), every step
 * that broke its bound named with the bound's formula, and one picture per strategy (steps as
 * bands along time, each client's lost requests as marks, the degraded ECMP set shaded).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRR_STOP_WITHDRAWS, UPGRADE_STRATEGIES } from '../faults/upgrades.js';
import type { StrategyResult } from '../experiment/rehearse.js';
import { degradedSpans } from '../experiment/rehearsal-findings.js';
import type { RunnerTask } from 'vitest';
import { REHEARSAL_KEYS } from './metric-keys.js';
import { recordArtefact, recordMetric } from './metrics.js';

const s3 = (ms: number) => (ms / 1000).toFixed(2);
const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Every reason a strategy failed: its own problem, a step's, a bound broken, a session not as configured. */
export function rehearsalProblems(r: StrategyResult): string[] {
  const out: string[] = [];
  if (r.problem) out.push(`${r.strategy}: ${r.problem}`);
  if (r.run?.problem) out.push(`${r.strategy}: ${r.run.problem}`);
  if (r.run?.missed.length)
    out.push(`${r.strategy}: the route monitors missed FIB changes: ${r.run.missed.join('; ')}`);
  for (const h of r.findings?.harness ?? [])
    out.push(`${r.strategy}: the probe on ${h.client} could not send a request: ${h.harness}`);
  for (const s of r.findings?.steps ?? []) {
    if (s.run.problem) out.push(`${r.strategy}, step ${s.run.step.name}: ${s.run.problem}`);
    for (const p of s.run.sessionProblems) out.push(`${r.strategy}, step ${s.run.step.name}: ${p}`);
    for (const o of s.overBound) out.push(`${r.strategy}, step ${o}`);
  }
  return out;
}

export function rehearsalMarkdown(results: StrategyResult[], from: string, to: string): string {
  const lines = [`# Upgrade rehearsal: ${from} → ${to}`, ''];
  for (const r of results) {
    const plan = UPGRADE_STRATEGIES[r.strategy];
    lines.push(`## ${r.strategy}`, '', plan.title + '.');
    if (plan.overlay)
      lines.push(
        '',
        "**An overlay, not your configuration:** graceful restart was added to every router's files for this strategy only.",
      );
    const v = r.versions;
    if (v.runtime) lines.push('', `Before the first step: runtime ${v.runtime}, FRR ${v.frr}, GoBGP ${v.gobgp}.`);
    lines.push(
      '',
      '| step | restarted | stop | restart (s) | its peers saw | lost per client (bound, case) | broken | degraded (s) | kept its bound |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const s of r.findings?.steps ?? []) {
      const restarted =
        s.run.restarts.map((x) => `${x.node}: ${x.timing.from} → ${x.timing.to}`).join('<br>') || '(none)';
      const stops = [...new Set(s.run.restarts.map((x) => x.stop))].join(', ');
      const restart = s.run.restarts.map((x) => s3(x.timing.startedAt - x.timing.stopAt)).join(', ');
      const saw = s.run.restarts
        .flatMap((x) => Object.entries(x.peersSaw).map(([p, why]) => `${p}: ${why}`))
        .join('<br>');
      const lost = s.clients
        .map((c) => `${c.client} ${c.lost} (≤ ${c.prediction.maxLost}, ${c.prediction.case})`)
        .join('<br>');
      const ok = !s.overBound.length && !s.run.problem && !s.run.sessionProblems.length;
      lines.push(
        `| ${s.run.step.name} | ${restarted} | ${stops} | ${restart} | ${saw} | ${lost} | ${s.broken.length} | ${s.degradedSeconds.toFixed(2)} | ${ok ? 'yes' : '**no**'} |`,
      );
    }
    const withdrawn = (r.findings?.steps ?? []).filter((s) => s.fibWithdrawnAtStop.length);
    if (withdrawn.length)
      lines.push(
        '',
        `**Seen:** ${FRR_STOP_WITHDRAWS}, at ${withdrawn.map((s) => `step ${s.run.step.name} (${s.fibWithdrawnAtStop.join(', ')})`).join(', ')}; those steps are held to the cut bound.`,
      );
    const problems = rehearsalProblems(r);
    lines.push(
      '',
      problems.length ? `**Failed:**\n\n${problems.map((p) => `- ${p}`).join('\n')}` : 'Every step kept its bound.',
    );
    const bounds = new Map<string, string>();
    for (const s of r.findings?.steps ?? [])
      for (const c of s.clients)
        bounds.set(
          `${s.run.step.name} (${c.prediction.case})`,
          `${c.prediction.why}; window ${c.prediction.windowSeconds.toFixed(3)} s = ${c.prediction.formula}`,
        );
    if (bounds.size)
      lines.push(
        '',
        '<details><summary>Each step’s bound and its formula</summary>',
        '',
        ...[...bounds].map(([k, v]) => `- ${k}: ${v}`),
        '',
        '</details>',
      );
    lines.push('', `![${r.strategy}](rehearsal-${r.strategy}.svg)`, '');
  }
  return lines.join('\n');
}

/** One strategy's picture: time across, a band per step, a row per client with its lost requests, a row for the degraded ECMP set. */
export function rehearsalSvg(r: StrategyResult): string {
  const steps = r.findings?.steps ?? [];
  const [vip, full] = [r.vip ?? '', new Map(r.fullSet ?? [])];
  if (!steps.length || !r.run)
    return '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="30"><text x="4" y="20">no step ran</text></svg>';
  const t0 = steps[0]!.from;
  const t1 = r.run.tEnd;
  const clients = Object.keys(r.run.probes);
  const [left, width, row] = [110, 900, 22];
  const x = (t: number) => left + ((t - t0) / Math.max(1, t1 - t0)) * width;
  const height = 40 + row * (clients.length + 1) + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 20}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="4" y="14" font-weight="bold">${esc(r.strategy)}: ${esc(r.run.from)} → ${esc(r.run.to)} (${s3(t1 - t0)} s)</text>`,
  ];
  steps.forEach((s, i) => {
    out.push(
      `<rect x="${x(s.from)}" y="22" width="${x(s.to) - x(s.from)}" height="${height - 42}" fill="${i % 2 ? '#f4f4f4' : '#e8eef7'}"/>`,
      `<text x="${x(s.from) + 2}" y="34">${esc(s.run.step.name)}${s.overBound.length ? ' ✗' : ''}</text>`,
    );
  });
  clients.forEach((c, i) => {
    const y = 40 + row * i;
    out.push(`<text x="4" y="${y + 14}">${esc(c)}</text>`);
    for (const rec of r.run!.probes[c]!.filter((p) => !p.ok && !p.harness))
      out.push(`<rect x="${x(rec.t)}" y="${y + 3}" width="1.5" height="${row - 6}" fill="#c0392b"/>`);
  });
  const y = 40 + row * clients.length;
  out.push(`<text x="4" y="${y + 14}">ECMP degraded</text>`);
  // The degraded spans: the same replay the table's seconds are summed from.
  for (const [a, b] of degradedSpans(r.run.fib, vip, full, t0, t1))
    out.push(
      `<rect x="${x(a)}" y="${y + 3}" width="${Math.max(1, x(b) - x(a))}" height="${row - 6}" fill="#e67e22" opacity="0.7"/>`,
    );
  out.push(
    `<text x="${left}" y="${height - 6}" fill="#555">red: a lost request; orange: a meeting point held fewer clusters than all</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/** Writes rehearsal.md, rehearsal.json and one picture per strategy into `dir`; returns the markdown's path. */
export function writeRehearsalReport(dir: string, results: StrategyResult[], from: string, to: string): string {
  mkdirSync(dir, { recursive: true });
  for (const r of results) writeFileSync(join(dir, `rehearsal-${r.strategy}.svg`), rehearsalSvg(r));
  const json = results.map((r) => ({
    strategy: r.strategy,
    versions: r.versions,
    problems: rehearsalProblems(r),
    steps: (r.findings?.steps ?? []).map((s) => ({
      step: s.run.step,
      restarts: s.run.restarts,
      convergedAfterSeconds: s.run.tConverged !== undefined ? (s.run.tConverged - s.from) / 1000 : undefined,
      clients: s.clients.map(({ client, requests, lost, prediction }) => ({ client, requests, lost, prediction })),
      broken: s.broken.length,
      degradedSeconds: s.degradedSeconds,
      blackHoles: s.blackHoles,
      fibWithdrawnAtStop: s.fibWithdrawnAtStop,
      overBound: s.overBound,
      sessionProblems: s.run.sessionProblems,
    })),
  }));
  writeFileSync(join(dir, 'rehearsal.json'), `${JSON.stringify({ from, to, strategies: json }, null, 2)}\n`);
  const md = join(dir, 'rehearsal.md');
  writeFileSync(md, rehearsalMarkdown(results, from, to));
  return md;
}

/** Suite 9's metrics, one set per step, so the run's summary and results.json carry the costs; and the report's files as artefacts. */
export function recordRehearsal(task: RunnerTask, r: StrategyResult, files: string[]): void {
  for (const s of r.findings?.steps ?? []) {
    const who = s.run.step.name;
    recordMetric(task, {
      key: REHEARSAL_KEYS.lost(who),
      name: `${who}: requests lost (every client)`,
      value: s.clients.reduce((n, c) => n + c.lost, 0),
      budget: s.clients.reduce((n, c) => n + c.prediction.maxLost, 0),
      formula: [
        ...new Set(
          s.clients.map(
            (c) => `${c.prediction.case}: ⌈W / probe interval⌉ + 1 per client, W = ${c.prediction.formula}`,
          ),
        ),
      ].join('; '),
    });
    recordMetric(task, {
      key: REHEARSAL_KEYS.broken(who),
      name: `${who}: held connections broken`,
      value: s.broken.length,
    });
    recordMetric(task, {
      key: REHEARSAL_KEYS.degraded(who),
      name: `${who}: a meeting point on fewer clusters`,
      value: Number(s.degradedSeconds.toFixed(3)),
      unit: 's',
    });
  }
  for (const f of files) recordArtefact(task, f);
}
