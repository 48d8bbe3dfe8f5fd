/**
 * The established-connections picture: one row per connection slot of each client; each
 * connection a bar from its open to its break (or the end), coloured by the cluster that
 * served it; a break marked by a cross (red: reset, black: timeout or other); vertical lines
 * for the fault, the restore and when the fabric moved each way. Plain SVG, like the timeline.
 */
import type { HeldConnection } from '../traffic/held-connections.js';
import { clusterLegend, esc, PALETTE } from './timeline-svg.js';

export interface ConnectionsInput {
  title: string;
  /** Epoch ms of time zero (the fault). */
  t0: number;
  end: number;
  conns: HeldConnection[];
  clusters: string[];
  marks: { t: number; label: string }[];
}

export function renderConnections(input: ConnectionsInput): string {
  const rows = [...new Set(input.conns.map((c) => `${c.client}#${c.slot}`))].sort((a, b) => {
    const [ca, sa] = a.split('#');
    const [cb, sb] = b.split('#');
    return ca === cb ? Number(sa) - Number(sb) : ca!.localeCompare(cb!);
  });
  const tMin = Math.min(input.t0, ...input.conns.map((c) => c.openedAt));
  const tMax = input.end + (input.end - tMin) * 0.03;
  const [width, left, right, top, rowH] = [1100, 110, 20, 60, 4];
  const height = top + rows.length * rowH + 70;
  const x = (t: number) => left + ((t - tMin) / (tMax - tMin)) * (width - left - right);
  const colour = (c?: string) => PALETTE[Math.max(0, input.clusters.indexOf(c ?? ''))] ?? '#777';
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${esc(input.title)}</text>`,
  ];
  let lastClient = '';
  rows.forEach((row, i) => {
    const client = row.split('#')[0]!;
    const y = top + i * rowH;
    if (client !== lastClient) parts.push(`<text x="8" y="${y + 10}">${esc(client)}</text>`);
    lastClient = client;
    for (const c of input.conns.filter((k) => `${k.client}#${k.slot}` === row)) {
      const to = c.brokeAt ?? input.end;
      parts.push(
        `<rect x="${x(c.openedAt).toFixed(1)}" y="${y}" width="${Math.max(1, x(to) - x(c.openedAt)).toFixed(1)}" height="${rowH - 1}" fill="${colour(c.cluster)}"><title>${esc(`${c.client} port ${c.sport}: ${c.cluster ?? 'never answered'}${c.brokeAt ? `, broke at ${((c.brokeAt - input.t0) / 1000).toFixed(3)} s (${c.how})` : ''}`)}</title></rect>`,
      );
      if (c.brokeAt)
        parts.push(
          `<path d="M${x(c.brokeAt) - 3},${y - 1} l5,5 m0,-5 l-5,5" stroke="${c.how === 'reset' ? '#d62728' : '#000'}" stroke-width="1.2"/>`,
        );
    }
  });
  const axisY = top + rows.length * rowH + 6;
  const step = (tMax - tMin) / 1000 > 20 ? 5 : 1;
  for (let s = Math.ceil((tMin - input.t0) / 1000 / step) * step; s <= (tMax - input.t0) / 1000; s += step) {
    const xx = x(input.t0 + s * 1000);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${axisY}" y2="${axisY + 5}" stroke="#333"/><text x="${xx}" y="${axisY + 18}" text-anchor="middle">${s} s</text>`,
    );
  }
  input.marks.forEach((m, i) => {
    const xx = x(m.t);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${top - 6}" y2="${axisY}" stroke="#333" stroke-dasharray="4 3"/><text x="${xx + 3}" y="${top - 8 - (i % 3) * 12}">${esc(m.label)}</text>`,
    );
  });
  const ly = axisY + 40;
  const lx = clusterLegend(parts, input.clusters, { x: left, y: ly, verb: 'served by', step: 160 });
  parts.push(
    `<path d="M${lx},${ly - 8} l8,8 m0,-8 l-8,8" stroke="#d62728" stroke-width="1.5"/><text x="${lx + 14}" y="${ly}">reset</text>`,
  );
  parts.push(
    `<path d="M${lx + 70},${ly - 8} l8,8 m0,-8 l-8,8" stroke="#000" stroke-width="1.5"/><text x="${lx + 84}" y="${ly}">timeout / other</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}
