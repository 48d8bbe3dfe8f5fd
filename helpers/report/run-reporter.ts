/**
 * vitest reporter that writes the run report, every run:
 *   reports/results.json   every test with state, duration and measured metrics, plus the
 *                          lab's versions, hash policy and timers (reports/lab.json)
 *   reports/summary.md     the same for people ($GITHUB_STEP_SUMMARY-ready)
 *   reports/index.html     summary + links to the failover timelines
 * JUnit XML comes from vitest's own junit reporter (reports/junit.xml).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type { Metric } from './metrics.js';
import { reportsDir } from './reports-dir.js';

interface TestRecord {
  project: string;
  file: string;
  name: string;
  state: string;
  durationMs?: number;
  error?: string;
  metrics: Metric[];
  artefacts: string[];
}

export default class RunReporter implements Reporter {
  private root = process.cwd();
  private started = Date.now();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.started = Date.now();
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const dir = reportsDir(this.root);
    mkdirSync(dir, { recursive: true });
    const tests: TestRecord[] = [];
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        const meta = t.meta();
        tests.push({
          project: t.project.name,
          file: m.relativeModuleId,
          name: t.fullName,
          state: r.state,
          durationMs: t.diagnostic()?.duration,
          error: r.errors?.[0]?.message?.split('\n')[0],
          metrics: meta.metrics ?? [],
          artefacts: meta.artefacts ?? [],
        });
      }
    }
    const labFile = join(dir, 'lab.json');
    // Only this run's: a unit-only run, or one whose bring-up failed, must not report an older lab.
    const lab = existsSync(labFile) && statSync(labFile).mtimeMs >= this.started ? (JSON.parse(readFileSync(labFile, 'utf8')) as Record<string, unknown>) : undefined;
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 } as Record<string, number>;
    for (const t of tests) counts[t.state] = (counts[t.state] ?? 0) + 1;
    const results = { startedAt: new Date(this.started).toISOString(), wallSeconds: (Date.now() - this.started) / 1000, counts, lab, tests };
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
    const md = summary(results);
    writeFileSync(join(dir, 'summary.md'), md);
    writeFileSync(join(dir, 'index.html'), html(md, tests));
  }
}

function fmt(m: Metric): string {
  const v = typeof m.value === 'number' ? Number(m.value.toFixed(3)) : m.value;
  const budget = m.budget !== undefined ? ` (budget ${Number(m.budget.toFixed(3))}${m.unit ? ` ${m.unit}` : ''}${m.formula ? ` = ${m.formula}` : ''})` : '';
  return `${v}${m.unit ? ` ${m.unit}` : ''}${budget}`;
}

function summary(r: { wallSeconds: number; counts: Record<string, number>; lab?: Record<string, unknown>; tests: TestRecord[] }): string {
  const lines: string[] = ['# anycast-verify run', ''];
  lines.push(`**${r.counts.passed ?? 0} passed, ${r.counts.failed ?? 0} failed**${r.counts.skipped ? `, ${r.counts.skipped} skipped` : ''} in ${r.wallSeconds.toFixed(1)} s`, '');
  if (r.lab) {
    const versions = (r.lab.versions ?? {}) as Record<string, string>;
    // Pinned and emulated side by side: the netns lab never passes one off as the other.
    if (versions['frr pinned']) lines.push(`**Versions**: FRR ${versions['frr pinned']} pinned, ${versions.frr} emulated; GoBGP ${versions['gobgp pinned']} pinned, ${versions.gobgp} emulated${versions.runtime ? ` (runtime ${versions.runtime})` : ''}`, '');
    lines.push('| lab | |', '|---|---|');
    for (const [k, v] of Object.entries(versions)) lines.push(`| ${k} | ${v} |`);
    if (r.lab.hashing) lines.push(`| ECMP hash policy | ${JSON.stringify(r.lab.hashing)} |`);
    if (r.lab.bringUpSeconds !== undefined) lines.push(`| bring-up to converged | ${Number(r.lab.bringUpSeconds).toFixed(2)} s |`);
    lines.push('');
  }
  const failed = r.tests.filter((t) => t.state === 'failed');
  if (failed.length) {
    lines.push('## Failed', '');
    for (const t of failed) lines.push(`- **${t.name}** (${t.file}): ${t.error ?? ''}`);
    lines.push('');
  }
  const measured = r.tests.filter((t) => t.metrics.length > 0);
  if (measured.length) {
    lines.push('## Measurements', '', '| test | metric | value |', '|---|---|---|');
    for (const t of measured) for (const m of t.metrics) lines.push(`| ${t.state === 'passed' ? '✅' : t.state === 'failed' ? '❌' : '➖'} ${t.name} | ${m.name} | ${fmt(m).replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  lines.push('## Tests', '', '| | test | time |', '|---|---|---|');
  for (const t of r.tests) lines.push(`| ${t.state === 'passed' ? '✅' : t.state === 'failed' ? '❌' : '➖'} | ${t.name} | ${t.durationMs !== undefined ? `${(t.durationMs / 1000).toFixed(2)} s` : ''} |`);
  return `${lines.join('\n')}\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function html(md: string, tests: TestRecord[]): string {
  const pictures = tests.flatMap((t) => t.artefacts.filter((a) => a.endsWith('.svg')).map((a) => ({ test: t.name, path: a })));
  const figs = pictures.map((p) => `<figure><figcaption>${escapeHtml(p.test)}</figcaption><a href="${p.path}"><img src="${p.path}" alt="${escapeHtml(p.test)}" style="max-width:100%"></a></figure>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>anycast-verify run</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}pre{white-space:pre-wrap;background:#f6f8fa;padding:1em}</style></head>
<body><h1>anycast-verify run</h1>
<h2>Failover timelines</h2>${figs || '<p>none in this run</p>'}
<h2>Summary</h2><pre>${escapeHtml(md)}</pre></body></html>
`;
}
