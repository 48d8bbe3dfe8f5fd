/**
 * The failover timeline picture: one lane per client, one tick per request at its start
 * time, coloured by the cluster that answered, failures as red crosses, requests the probe
 * could not send (harness errors, not losses) as black circles; vertical lines for
 * the fault, the moment the fabric dropped the failed cluster, the restore and the fail-back.
 * Below them, one lane per router: its FIB entry for the VIP over time (one band per next-hop
 * set, red where it held no route), from the route monitors' event stamps.
 * Plain SVG, no dependencies: it opens in any browser and in GitHub.
 */
export interface TimelineInput {
  title: string;
  /** Epoch ms of time zero (the fault). */
  t0: number;
  lanes: { name: string; requests: { t: number; ok: boolean; cluster?: string; harness?: string }[] }[];
  marks: { t: number; label: string }[];
  clusters: string[];
  /** Each router's next hops for the VIP, as a list of changes (the first is its state at the start). */
  fibLanes?: { name: string; changes: { t: number; nextHops: string[] }[] }[];
}

/** Band colours for next-hop sets (distinct from the cluster colours above). */
const FIB_PALETTE = ['#9ecae1', '#fdae6b', '#a1d99b', '#bcbddc', '#fee391', '#99d8c9', '#bdbdbd'];
const NO_ROUTE = '#d62728';

/** One colour per cluster, in the order of the lab's clusters (shared by every picture). */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#17becf'];

/** One swatch per cluster ("<verb> <cluster>") from x, in the clusters' colours; returns where the legend ends. */
export function clusterLegend(
  parts: string[],
  clusters: string[],
  at: { x: number; y: number; verb: string; step: number },
): number {
  let lx = at.x;
  clusters.forEach((c, i) => {
    parts.push(
      `<rect x="${lx}" y="${at.y - 9}" width="10" height="10" fill="${PALETTE[i] ?? '#777'}"/><text x="${lx + 14}" y="${at.y}">${at.verb} ${esc(c)}</text>`,
    );
    lx += at.step;
  });
  return lx;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The SVG: request lanes, FIB lanes, the time axis, the marks, then the legend. */
export function renderTimeline(input: TimelineInput): string {
  const frame = timelineFrame(input);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${frame.left}" y="20" font-size="14" font-weight="bold">${esc(input.title)}</text>`);
  drawRequestLanes(parts, input, frame);
  drawFibLanes(parts, input, frame);
  drawTimeAxis(parts, input, frame);
  drawMarks(parts, input, frame);
  drawLegend(parts, input, frame);
  parts.push('</svg>');
  return parts.join('\n');
}

/** The picture's layout: its size and margins, where each block of lanes starts, and time → x. */
interface TimelineFrame {
  width: number;
  height: number;
  left: number;
  right: number;
  /** Height of a client's lane, and y of the first. */
  laneH: number;
  top: number;
  /** Height of a router's FIB lane, and y of the first. */
  fibH: number;
  fibTop: number;
  /** y of the time axis, below every lane. */
  axisY: number;
  /** The time span shown (epoch ms). */
  tMin: number;
  tMax: number;
  x: (t: number) => number;
}

/** The layout for this input: the time span covers every request, mark and t0. */
function timelineFrame(input: TimelineInput): TimelineFrame {
  const times = [...input.lanes.flatMap((l) => l.requests.map((r) => r.t)), ...input.marks.map((m) => m.t), input.t0];
  const fibLanes = input.fibLanes ?? [];
  const tMin = Math.min(...times);
  // 3 % of air on the right so the last mark and its label stay inside.
  const tEnd = Math.max(...times, tMin + 1);
  const tMax = tEnd + (tEnd - tMin) * 0.03;
  const width = 1100;
  const left = 90;
  const right = 20;
  const laneH = 46;
  const top = 62;
  const fibH = 24;
  const fibTop = top + input.lanes.length * laneH + 10;
  const height = fibTop + fibLanes.length * fibH + 80;
  const axisY = fibTop + fibLanes.length * fibH + 5;
  const x = (t: number) => left + ((t - tMin) / (tMax - tMin)) * (width - left - right);
  return { width, height, left, right, laneH, top, fibH, fibTop, axisY, tMin, tMax, x };
}

/** One lane per client: a tick per answered request in its cluster's colour, a cross per failure, a circle per harness error. */
function drawRequestLanes(parts: string[], input: TimelineInput, frame: TimelineFrame): void {
  const { left, right, width, top, laneH, x } = frame;
  const colour = (c?: string) => PALETTE[Math.max(0, input.clusters.indexOf(c ?? ''))] ?? '#777';
  input.lanes.forEach((lane, i) => {
    const y = top + i * laneH + laneH / 2;
    parts.push(`<text x="8" y="${y + 4}">${esc(lane.name)}</text>`);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    for (const r of lane.requests) {
      const cx = x(r.t).toFixed(1);
      if (r.harness !== undefined)
        parts.push(
          `<circle cx="${cx}" cy="${y}" r="3" fill="none" stroke="black"><title>${esc(r.harness)}</title></circle>`,
        );
      else if (r.ok)
        parts.push(
          `<line x1="${cx}" x2="${cx}" y1="${y - 12}" y2="${y + 12}" stroke="${colour(r.cluster)}" stroke-width="1"/>`,
        );
      else parts.push(`<path d="M${Number(cx) - 3},${y - 3} l6,6 m0,-6 l-6,6" stroke="#d62728" stroke-width="1.5"/>`);
    }
  });
}

/** One lane per router: a band per FIB state, one colour per next-hop set across all routers, red for no route. */
function drawFibLanes(parts: string[], input: TimelineInput, frame: TimelineFrame): void {
  const { fibTop, fibH, tMin, tMax, x } = frame;
  const fibLanes = input.fibLanes ?? [];
  const hopSets = [
    ...new Set(fibLanes.flatMap((l) => l.changes.filter((c) => c.nextHops.length).map((c) => c.nextHops.join(', ')))),
  ];
  fibLanes.forEach((lane, i) => {
    const y = fibTop + i * fibH;
    parts.push(`<text x="8" y="${y + 15}">${esc(lane.name)} FIB</text>`);
    const sorted = [...lane.changes].sort((a, b) => a.t - b.t);
    sorted.forEach((c, j) => {
      const from = Math.max(c.t, tMin);
      const to = Math.min(sorted[j + 1]?.t ?? tMax, tMax);
      if (to <= from) return;
      const label = c.nextHops.length ? c.nextHops.join(', ') : 'no route';
      const fill = c.nextHops.length ? FIB_PALETTE[hopSets.indexOf(label) % FIB_PALETTE.length] : NO_ROUTE;
      const [x1, x2] = [x(from), x(to)];
      parts.push(
        `<rect x="${x1.toFixed(1)}" y="${y + 2}" width="${Math.max(1, x2 - x1).toFixed(1)}" height="${fibH - 6}" fill="${fill}"><title>${esc(`${lane.name}: ${label} from ${((c.t - input.t0) / 1000).toFixed(3)} s`)}</title></rect>`,
      );
      if (x2 - x1 > 7 * label.length)
        parts.push(`<text x="${(x1 + 3).toFixed(1)}" y="${y + 15}" font-size="10">${esc(label)}</text>`);
    });
  });
}

/** Seconds from the fault, ticked every 0.5, 1, 5 or 10 s as the span needs. */
function drawTimeAxis(parts: string[], input: TimelineInput, frame: TimelineFrame): void {
  const { axisY, tMin, tMax, x } = frame;
  const span = (tMax - tMin) / 1000;
  const step = span > 60 ? 10 : span > 20 ? 5 : span > 5 ? 1 : 0.5;
  for (let s = Math.ceil((tMin - input.t0) / 1000 / step) * step; s <= (tMax - input.t0) / 1000; s += step) {
    const xx = x(input.t0 + s * 1000);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${axisY}" y2="${axisY + 5}" stroke="#333"/><text x="${xx}" y="${axisY + 18}" text-anchor="middle">${Number(s.toFixed(1))} s</text>`,
    );
  }
}

/** A dashed line per mark (fault, restore…), labels staggered over three rows and kept inside on the right. */
function drawMarks(parts: string[], input: TimelineInput, frame: TimelineFrame): void {
  const { top, axisY, width, right, x } = frame;
  input.marks.forEach((m, i) => {
    const xx = x(m.t);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${top - 8}" y2="${axisY}" stroke="#333" stroke-dasharray="4 3"/>`);
    const nearRight = xx > width - right - 120;
    parts.push(
      `<text x="${nearRight ? xx - 3 : xx + 3}" y="${top - 10 - (i % 3) * 12}"${nearRight ? ' text-anchor="end"' : ''}>${esc(m.label)}</text>`,
    );
  });
}

/** The clusters' colours, the failure cross, and (with FIB lanes) the no-route colour. */
function drawLegend(parts: string[], input: TimelineInput, frame: TimelineFrame): void {
  const ly = frame.axisY + 40;
  const lx = clusterLegend(parts, input.clusters, { x: frame.left, y: ly, verb: 'answered by', step: 170 });
  parts.push(
    `<path d="M${lx},${ly - 8} l8,8 m0,-8 l-8,8" stroke="#d62728" stroke-width="1.5"/><text x="${lx + 14}" y="${ly}">failed request</text>`,
  );
  if (input.fibLanes?.length)
    parts.push(
      `<rect x="${lx + 130}" y="${ly - 9}" width="10" height="10" fill="${NO_ROUTE}"/><text x="${lx + 144}" y="${ly}">router holds no route (FIB bands: next hops, from route-monitor events)</text>`,
    );
}
