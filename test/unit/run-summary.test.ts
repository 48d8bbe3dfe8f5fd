/**
 * The run report people read: summary.md short (failures first, one row per claim, one per
 * failover fault with its budget) and index.html the same as real HTML, parsed here: no raw
 * Markdown, no emoji-only marks, and every link resolving to a file in the reports folder.
 * If a headless Chromium is installed, the page is also rendered to a screenshot.
 */
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildSummary, claimer, type RunResults, type TestRecord } from '../../helpers/report/run-summary.js';
import { renderSummaryMarkdown } from '../../helpers/report/summary-md.js';
import { renderSummaryHtml } from '../../helpers/report/summary-html.js';

type Node = DefaultTreeAdapterMap['node'];

const CHROMIUM =
  spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser || command -v google-chrome'], {
    encoding: 'utf8',
  }).stdout.trim() || undefined;

const FAULTS = ['vip-withdrawn', 'node-link-down', 'speaker-crash', 'silent-drop'];

/** A run shaped like the seed lab's: 120 unit, 15 process and 65 lab tests, one of them failed with a state dump. */
function seedLikeRun(): RunResults {
  const t = (project: string, file: string, name: string, extra: Partial<TestRecord> = {}): TestRecord => ({
    project,
    file,
    name,
    state: 'passed',
    metrics: [],
    artefacts: [],
    ...extra,
  });
  const tests: TestRecord[] = [];
  for (let i = 0; i < 120; i++) tests.push(t('unit', `test/unit/u${i % 9}.test.ts`, `unit > case ${i}`));
  for (let i = 0; i < 15; i++) tests.push(t('process', 'test/process/lifecycle.test.ts', `lifecycle > case ${i}`));
  for (let i = 0; i < 50; i++)
    tests.push(t('lab', 'suites/1-bgp-sessions.test.ts', `BGP session s${i % 5} > claim ${i}`));
  tests.push(
    t('lab', 'suites/2-vip-routes.test.ts', 'vip routes > spine > in its kernel FIB: exactly {10.0.2.11, 10.0.3.11}', {
      state: 'failed',
      error:
        "spine's kernel routes 172.30.0.10 via [10.0.3.11], expected exactly [10.0.2.11, 10.0.3.11]: missing 10.0.2.11",
      artefacts: ['vip_routes_spine_in_its_kernel_FIB/'],
    }),
  );
  for (const [i, kind] of FAULTS.entries()) {
    tests.push(
      t('lab', 'suites/4-failover.test.ts', `failover: faults on cluster01 > ${kind}: a fault`, {
        metrics: [
          {
            key: 'failover.moved',
            name: 'fabric moved to survivors after',
            value: 0.15 + i,
            unit: 's',
            budget: 1 + i,
            formula: `formula ${i}`,
          },
          {
            key: 'failover.back',
            name: 'failed back after restore',
            value: 0.2 + i,
            unit: 's',
            budget: 2 + i,
            formula: `back formula ${i}`,
          },
          { key: 'failover.cause.black-hole', name: 'lost requests: black-hole', value: 3 },
          {
            key: 'failover.unexplained',
            name: 'lost requests without an allowed cause',
            value: i === 3 ? 1 : 0,
            budget: 0,
          },
          { key: 'failover.lost.client', name: 'client: lost', value: 2 },
          { key: 'failover.lost.client02', name: 'client02: lost', value: 1 },
          { key: 'failover.outage.client', name: 'client: outage window', value: 0.214, unit: 's' },
        ],
        artefacts: [`timelines/${kind}.svg`, `timelines/${kind}.losses.txt`],
      }),
    );
  }
  for (let i = 0; i < 10; i++)
    tests.push(
      t('lab', 'suites/3-client-paths.test.ts', `paths > policy 3 > client c${i} > every flow as predicted`, {
        metrics: [{ key: 'paths.agreement', name: 'agreement', value: 100, unit: '%' }],
      }),
    );
  const counts = { passed: tests.filter((x) => x.state === 'passed').length, failed: 1 };
  return {
    wallSeconds: 300,
    counts,
    lab: {
      lab: 'anycast',
      provider: 'netns',
      versions: { frr: '10.3', 'frr pinned': '10.5.1', gobgp: '3.36.0', runtime: 'trixie' },
      hashing: { policy: 3 },
      timers: [],
      bringUpSeconds: 3.4,
    },
    tests,
  };
}

function walk(n: Node, visit: (n: Node) => void): void {
  visit(n);
  for (const c of 'childNodes' in n ? n.childNodes : []) walk(c, visit);
  if ('content' in n && n.content) walk(n.content as Node, visit);
}

describe('summary.md', () => {
  const md = renderSummaryMarkdown(buildSummary(seedLikeRun()));
  it('fits on a screen for a seed-sized run, verdict first, failures before the suites', () => {
    expect(md.split('\n').length).toBeLessThanOrEqual(150);
    expect(md.split('\n')[0]).toBe('# anycast-verify: ❌ FAIL');
    expect(md.indexOf('## Failures')).toBeLessThan(md.indexOf('## 1-bgp-sessions'));
    expect(md).toContain('missing 10.0.2.11');
    expect(md).toContain('[state dump vip_routes_spine_in_its_kernel_FIB/](vip_routes_spine_in_its_kernel_FIB/)');
  });

  it('shows each failover fault in one row: both timings against their budgets, the downtime per client', () => {
    const rows = md.split('\n').filter((l) => FAULTS.some((k) => l.includes(`| ${k}:`)));
    expect(rows).toHaveLength(FAULTS.length);
    expect(rows[1]).toContain('1.15 s (budget 2 s = formula 1)');
    expect(rows[1]).toContain('client 2, client02 1');
    // Data-plane downtime per client beside the control plane's times.
    expect(rows[1]).toContain('| client 0.214 s |');
    expect(rows[3]).toContain('**unexplained 1**');
    expect(rows[0]).toContain('[timeline](timelines/vip-withdrawn.svg)');
  });

  it('keeps the per-metric detail out (it is in results.json)', () => {
    expect(md).not.toContain('lost requests without an allowed cause');
    expect(md).toContain('[results.json (every metric)](results.json)');
  });
});

describe('index.html', () => {
  const run = seedLikeRun();
  const doc = buildSummary(run);
  const html = renderSummaryHtml(
    doc,
    FAULTS.map((k) => ({ title: k, href: `timelines/${k}.svg` })),
  );
  const tree = parse(html) as unknown as Node;
  const texts: string[] = [];
  const links: string[] = [];
  walk(tree, (n) => {
    if (n.nodeName === '#text') texts.push((n as { value: string }).value);
    for (const a of 'attrs' in n ? n.attrs : []) if (a.name === 'href' || a.name === 'src') links.push(a.value);
  });

  it('is HTML, not Markdown in a box: tables, CSS status marks, no emoji, no pipes or ** in the text', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('<pre>#');
    expect(html.match(/<table>/g)?.length).toBeGreaterThanOrEqual(4);
    expect(texts.join('')).not.toMatch(/[✅❌➖]|\*\*|^\|/m);
    expect(html).toContain('<span class="st failed">FAIL</span>');
    // Self-contained: no script, no external stylesheet or font.
    expect(html).not.toMatch(/<script|<link |https?:\/\//);
  });

  it('every link resolves to a file in the reports folder (state dumps, timelines, losses, results, junit)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'av-report-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // What a run writes: the reporter's own files and each test's artefacts.
    for (const f of ['results.json', 'junit.xml', 'summary.md', ...run.tests.flatMap((t) => t.artefacts)]) {
      const p = join(dir, f);
      if (f.endsWith('/')) mkdirSync(p, { recursive: true });
      else {
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, 'x');
      }
    }
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !existsSync(join(dir, decodeURI(l))))).toEqual([]);
    expect(links).toContain('junit.xml');
    expect(links).toContain('vip_routes_spine_in_its_kernel_FIB/');
  });

  // Without a browser (a developer's machine) the page is still parsed and link-checked above; CI installs one (.ci/run).
  it.skipIf(!CHROMIUM)(
    'renders in a headless Chromium at desktop and phone width',
    async () => {
      const found = CHROMIUM!;
      const dir = mkdtempSync(join(tmpdir(), 'av-shot-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'index.html'), html);
      for (const width of [1400, 390]) {
        const shot = join(dir, `w${width}.png`);
        await execa(
          found,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--hide-scrollbars',
            `--window-size=${width},1200`,
            `--screenshot=${shot}`,
            `file://${join(dir, 'index.html')}`,
          ],
          { timeout: 60_000, reject: false },
        );
        expect(existsSync(shot) && statSync(shot).size > 5000, `screenshot at ${width} px`).toBe(true);
      }
    },
    120_000,
  );
});

describe('claimer', () => {
  /** The definition: strip the segments every sibling shares, comparing with each sibling (quadratic). */
  function naive(name: string, siblings: string[]): string {
    const parts = name.split(' > ');
    const all = siblings.map((n) => n.split(' > '));
    let common = 0;
    while (common < parts.length - 1 && all.every((p) => p.length - 1 > common && p[common] === parts[common]))
      common++;
    return parts.slice(common).join(' › ');
  }

  it('gives every name what the definition gives, on nested and uneven test names', () => {
    const seg = ['a', 'b', 'spine holds 172.30.0.10', 'in its FIB'];
    let seed = 7;
    // The LCG's high bits (its low bits cycle with a short period).
    const rnd = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
    for (let round = 0; round < 200; round++) {
      const prefix = Array.from({ length: rnd(3) }, () => seg[rnd(seg.length)]!);
      const names = Array.from({ length: 1 + rnd(6) }, () =>
        [...prefix, ...Array.from({ length: 1 + rnd(3) }, () => seg[rnd(seg.length)]!)].join(' > '),
      );
      const c = claimer(names);
      for (const n of names) expect(c(n), `${n} among ${JSON.stringify(names)}`).toBe(naive(n, names));
    }
  });
});

describe('not verified', () => {
  it('a test stopped for missing evidence is listed by name with its reason, counted apart, never as a pass', () => {
    const rec = (name: string, extra: Partial<TestRecord>): TestRecord => ({
      project: 'lab',
      file: 'suites/2-intent.test.ts',
      name,
      state: 'passed',
      metrics: [],
      artefacts: [],
      ...extra,
    });
    const s = buildSummary({
      wallSeconds: 3,
      counts: { passed: 1, skipped: 2 },
      tests: [
        rec('intent > sessions', {}),
        rec('intent > what holds', {
          state: 'skipped',
          note: 'not verified: no intent.yaml (anycast-verify intent --init)',
        }),
        rec('intent > plain skip', { state: 'skipped' }),
      ],
    });
    expect(s.counts).toEqual({ passed: 1, failed: 0, skipped: 1, unverified: 1 });
    expect(s.verdict).toBe('pass');
    expect(s.unverified).toEqual([
      {
        name: 'intent > what holds',
        file: 'suites/2-intent.test.ts',
        why: 'no intent.yaml (anycast-verify intent --init)',
      },
    ]);
    expect(s.suites[0]!.rows.map((r) => r.status)).toEqual(['passed', 'unverified', 'skipped']);
    const md = renderSummaryMarkdown(s);
    expect(md).toMatch(/1 passed, 0 failed\*\*, 1 not verified, 1 skipped/);
    expect(md).toMatch(/## Not verified[\s\S]*intent > what holds.*no intent\.yaml/);
    expect(renderSummaryHtml(s, [])).toMatch(/<h2 id="not-verified">Not verified<\/h2>[\s\S]*no intent\.yaml/);
  });
});
