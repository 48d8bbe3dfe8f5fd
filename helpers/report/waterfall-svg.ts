/**
 * A failover's waterfall as a picture, like a browser's network waterfall: one row per link
 * (node and event), its bar from the event it follows to its own, labelled with its time; the
 * chain's bars dark, side branches (a router's own FIB) light. Each phase gets
 * two panels on the same rows: the whole phase to scale, and its last 400 ms, where the
 * per-hop links live (a hold-timer fault's first link is seconds long, the hops are ~50 ms).
 */
import { PHASE_LABEL, type Waterfall, type WaterfallLink } from '../experiment/waterfall.js';
import { esc } from './timeline-svg.js';

const ROW = 20;
const LABEL = 120;
const PANEL = 420;
const ZOOM_MS = 400;

function panel(w: Waterfall, x0: number, y0: number, from: number, to: number, title: string): string[] {
  const scale = (t: number) => x0 + ((Math.min(Math.max(t, from), to) - from) / Math.max(to - from, 1)) * PANEL;
  const at = new Map<string, number>([['t0', w.t0], ...w.links.map((l) => [`${l.node}.${l.event}`, l.t] as const)]);
  const out = [`<text x="${x0}" y="${y0 + 10}" class="meta">${esc(title)}</text>`];
  w.links.forEach((l, i) => {
    const y = y0 + 18 + i * ROW;
    out.push(`<line x1="${x0}" y1="${y + 7}" x2="${x0 + PANEL}" y2="${y + 7}" class="grid"/>`);
    out.push(...bar(l, at.get(l.after) ?? w.t0, y, scale, from, to));
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
): string[] {
  if (l.t < from || start > to) return [];
  const x1 = scale(start);
  const x2 = Math.max(scale(l.t), x1 + 2);
  const ms = l.seconds * 1000;
  const label = ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
  return [
    `<rect x="${x1}" y="${y}" width="${x2 - x1}" height="14" fill="${l.critical ? '#1f77b4' : '#9ecae1'}"><title>${esc(`${l.node} ${l.event} after ${l.after}: ${label}`)}</title></rect>`,
    `<text x="${Math.min(x2 + 3, scale(to) + 3)}" y="${y + 11}" class="meta">${esc(label)}</text>`,
  ];
}

/** One SVG with a block per phase (the move, the fail-back) of one fault. */
export function renderWaterfalls(title: string, waterfalls: Waterfall[]): string {
  const block = Math.max(...waterfalls.map((w) => w.links.length), 1) * ROW + 44;
  const height = 40 + waterfalls.length * block;
  const width = LABEL + 2 * PANEL + 140;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    '<style>.meta{fill:#555}.grid{stroke:#eee}</style>',
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
    parts.push(...panel(w, LABEL, y0, w.t0, end, `whole phase, ${total}`));
    parts.push(...panel(w, LABEL + PANEL + 60, y0, Math.max(w.t0, end - ZOOM_MS), end, `its last ${ZOOM_MS} ms`));
    if (w.missing.length)
      parts.push(
        `<text x="${LABEL}" y="${y0 + block - 8}" class="meta">not in the evidence: ${esc(w.missing.join('; '))}</text>`,
      );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
