/**
 * The scale benchmark's report (bench/scale.bench.ts): one Markdown table row per lab size,
 * and an SVG plot of the cost against N, one line per K, for the two figures the targets name
 * (up to converged, and the withdrawal of every VIP of one cluster).
 */

export interface ScaleRun {
  bringUp: number;
  converge: number;
  upToConverged: number;
  withdrawAll: number;
  restoreAll: number;
  down: number;
  memoryMiB: number;
  routeEvents: number;
  /** CPU seconds of the lab's processes by kind (bgpd, zebra, gobgpd, echo, …) from start to converged. */
  cpu?: Record<string, number>;
  /** Seconds of each bring-up step as `up` prints them (FRR, echo pods and speakers overlap). */
  steps?: Record<string, number>;
}

/** The figures a run measures as one number each. */
export type ScaleFigure = Exclude<keyof ScaleRun, 'cpu' | 'steps'>;

export interface ScaleCell {
  clusters: number;
  services: number;
  runs: number;
  median: ScaleRun;
  suites?: { seconds: number; passed: number; failed: number; failing: string[] };
  samples: ScaleRun[];
}

export interface ScaleReport {
  date: string;
  machine: string;
  versions: Record<string, string>;
  cells: ScaleCell[];
}

const s = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

export function scaleTable(r: ScaleReport): string {
  const v = r.versions;
  const rows = r.cells.map((c) => {
    const m = c.median;
    const suites = c.suites ? `${s(c.suites.seconds, 0)} (${c.suites.passed}✓ ${c.suites.failed}✗)` : '–';
    const cpu = Object.entries(m.cpu ?? {})
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${s(v, 1)}`)
      .join(', ');
    return `| ${c.clusters} | ${c.services} | ${s(m.bringUp)} | ${s(m.converge)} | **${s(m.upToConverged)}** | **${s(m.withdrawAll, 3)}** | ${s(m.restoreAll, 3)} | ${s(m.down)} | ${s(m.memoryMiB, 0)} | ${cpu || '–'} | ${suites} |`;
  });
  return [
    `Medians of ${r.cells[0]?.runs ?? 0} runs, ${r.date.slice(0, 10)}, ${r.machine}${v.frr ? `, FRR ${v.frr}, GoBGP ${v.gobgp}` : ''}. Seconds; memory is the lab's processes (PSS).`,
    '',
    '| N clusters | K VIPs | bring-up | converge | up to converged | withdraw all K | restore all K | teardown | memory MiB | CPU s to converged (top 3) | suites s (tests) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
    ...rows,
    '',
  ].join('\n');
}

const W = 720;
const H = 300;
const PAD = { l: 50, r: 20, t: 30, b: 40 };

/** Two panels side by side: up to converged, and withdraw all K, against N (log2 axis), one line per K. */
export function scalePlot(cells: ScaleCell[]): string {
  const panels: [string, ScaleFigure][] = [
    ['up to converged (s)', 'upToConverged'],
    ['withdraw all K VIPs of one cluster (s)', 'withdrawAll'],
  ];
  const ns = [...new Set(cells.map((c) => c.clusters))].sort((a, b) => a - b);
  const ks = [...new Set(cells.map((c) => c.services))].sort((a, b) => a - b);
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];
  const pw = W / panels.length;
  const parts = panels.map(([title, key], i) => {
    const x0 = i * pw;
    const vals = cells.map((c) => c.median[key]).filter(Number.isFinite);
    const ymax = Math.max(1e-3, ...vals) * 1.1;
    const lx = (n: number) =>
      x0 +
      PAD.l +
      (ns.length > 1 ? (Math.log2(n / ns[0]!) / Math.log2(ns.at(-1)! / ns[0]!)) * (pw - PAD.l - PAD.r) : 0);
    const ly = (y: number) => PAD.t + (1 - y / ymax) * (H - PAD.t - PAD.b);
    const lines = ks.map((k, j) => {
      const pts = ns
        .map((n) => cells.find((c) => c.clusters === n && c.services === k))
        .filter((c): c is ScaleCell => !!c && Number.isFinite(c.median[key]))
        .map((c) => `${lx(c.clusters).toFixed(1)},${ly(c.median[key]).toFixed(1)}`);
      const col = colours[j % colours.length];
      return [
        `<polyline fill="none" stroke="${col}" stroke-width="2" points="${pts.join(' ')}"/>`,
        ...pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${col}"/>`),
        `<text x="${x0 + PAD.l + 8}" y="${PAD.t + 14 + 14 * j}" fill="${col}" font-size="12">K = ${k}</text>`,
      ].join('');
    });
    const ticks = [0, 0.25, 0.5, 0.75, 1].map(
      (f) =>
        `<line x1="${x0 + PAD.l}" x2="${x0 + pw - PAD.r}" y1="${ly(f * ymax)}" y2="${ly(f * ymax)}" stroke="#eee"/>` +
        `<text x="${x0 + PAD.l - 6}" y="${ly(f * ymax) + 4}" font-size="11" text-anchor="end">${(f * ymax).toPrecision(2)}</text>`,
    );
    const xt = ns.map(
      (n) => `<text x="${lx(n)}" y="${H - PAD.b + 16}" font-size="11" text-anchor="middle">${n}</text>`,
    );
    return [
      `<text x="${x0 + pw / 2}" y="18" font-size="13" text-anchor="middle">${title}</text>`,
      ...ticks,
      ...xt,
      `<text x="${x0 + pw / 2}" y="${H - 6}" font-size="11" text-anchor="middle">N clusters</text>`,
      ...lines,
    ].join('\n');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">\n<rect width="${W}" height="${H}" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
