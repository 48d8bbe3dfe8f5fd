/**
 * A failover's waterfall as a picture, like a browser's network waterfall: one row per link
 * (node and event), its bar from the event it follows to its own, labelled with its time; the
 * chain's bars dark, side branches (a router's own FIB) light. Each phase gets
 * two panels on the same rows: the whole phase to scale, and its last 400 ms, where the
 * per-hop links live (a hold-timer fault's first link is seconds long, the hops are ~50 ms).
 * Drawn by the gate (`compare --pictures`), each link also carries its band: the span where the
 * gate lets the link end (a deterministic link: up to its band's top; a random wait: its
 * window), shaded on its row, with the limit in its label, and the link red when it left it.
 */
import { PHASE_LABEL, type Waterfall, type WaterfallLink } from '../experiment/waterfall.js';
import { esc } from './timeline-svg.js';

const ROW = 20;
const LABEL = 120;
const PANEL = 420;
const ZOOM_MS = 400;

/** What the gate held a link to, in ms after the event it follows (`phase.node.event` keyed). */
export interface LinkBand {
  lower?: number;
  upper: number;
  regression: boolean;
}
export type LinkBands = Map<string, LinkBand>;
const bandKey = (phase: string, l: Pick<WaterfallLink, 'node' | 'event'>) => `${phase}.${l.node}.${l.event}`;

function panel(
  w: Waterfall,
  x0: number,
  y0: number,
  from: number,
  to: number,
  title: string,
  bands?: LinkBands,
): string[] {
  const scale = (t: number) => x0 + ((Math.min(Math.max(t, from), to) - from) / Math.max(to - from, 1)) * PANEL;
  const at = new Map<string, number>([['t0', w.t0], ...w.links.map((l) => [`${l.node}.${l.event}`, l.t] as const)]);
  const out = [`<text x="${x0}" y="${y0 + 10}" class="meta">${esc(title)}</text>`];
  w.links.forEach((l, i) => {
    const y = y0 + 18 + i * ROW;
    out.push(`<line x1="${x0}" y1="${y + 7}" x2="${x0 + PANEL}" y2="${y + 7}" class="grid"/>`);
    out.push(...bar(l, at.get(l.after) ?? w.t0, y, scale, from, to, bands?.get(bandKey(w.phase, l))));
  });
  return out;
}

function bar(
  l: WaterfallLink,
  start: number,
  y: number,
  scale: (t: number) => number,
  from: number,
  to: number,
  band?: LinkBand,
): string[] {
  if (l.t < from || start > to) return [];
  const x1 = scale(start);
  const x2 = Math.max(scale(l.t), x1 + 2);
  const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
  const limit = !band
    ? ''
    : band.lower !== undefined
      ? ` (window ${ms(band.lower)}–${ms(band.upper)})`
      : ` (band ≤ ${ms(band.upper)})`;
  const label = `${ms(l.seconds * 1000)}${limit}`;
  const colour = band?.regression ? (l.critical ? '#d62728' : '#ff9896') : l.critical ? '#1f77b4' : '#9ecae1';
  const shade = band
    ? (() => {
        const b1 = scale(start + (band.lower ?? 0));
        const b2 = Math.max(scale(start + band.upper), b1 + 1);
        return [
          `<rect x="${b1}" y="${y - 2}" width="${b2 - b1}" height="18" class="band"/>`,
          `<line x1="${b2}" y1="${y - 2}" x2="${b2}" y2="${y + 16}" class="limit"/>`,
        ];
      })()
    : [];
  return [
    ...shade,
    `<rect x="${x1}" y="${y}" width="${x2 - x1}" height="14" fill="${colour}"><title>${esc(`${l.node} ${l.event} after ${l.after}: ${label}`)}</title></rect>`,
    `<text x="${Math.min(x2 + 3, scale(to) + 3)}" y="${y + 11}" class="${band?.regression ? 'bad' : 'meta'}">${esc(label)}</text>`,
  ];
}

/** One SVG with a block per phase (the move, the fail-back) of one fault; with `bands`, each link's band too. */
export function renderWaterfalls(title: string, waterfalls: Waterfall[], bands?: LinkBands): string {
  const block = Math.max(...waterfalls.map((w) => w.links.length), 1) * ROW + 44;
  const height = 40 + waterfalls.length * block;
  const width = LABEL + 2 * PANEL + (bands ? 280 : 140);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    '<style>.meta{fill:#555}.bad{fill:#d62728}.grid{stroke:#eee}.band{fill:#2ca02c;fill-opacity:0.15}.limit{stroke:#2ca02c}</style>',
    `<text x="10" y="18" font-size="13">${esc(title)}</text>`,
  ];
  waterfalls.forEach((w, i) => {
    const y0 = 30 + i * block;
    const end = w.links.at(-1)?.t ?? w.t0;
    parts.push(`<text x="10" y="${y0 + 10}" font-weight="bold">${PHASE_LABEL[w.phase]}</text>`);
    w.links.forEach((l, r) =>
      parts.push(
        `<text x="10" y="${y0 + 29 + r * ROW}">${esc(`${l.node} ${l.event}${l.critical ? '' : ' (side)'}`)}</text>`,
      ),
    );
    const total = `${((end - w.t0) / 1000).toFixed(3)} s`;
    parts.push(...panel(w, LABEL, y0, w.t0, end, `whole phase, ${total}`, bands));
    parts.push(
      ...panel(w, LABEL + PANEL + 60, y0, Math.max(w.t0, end - ZOOM_MS), end, `its last ${ZOOM_MS} ms`, bands),
    );
    if (w.missing.length)
      parts.push(
        `<text x="${LABEL}" y="${y0 + block - 8}" class="meta">not in the evidence: ${esc(w.missing.join('; '))}</text>`,
      );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
