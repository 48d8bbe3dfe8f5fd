/**
 * What `compare` prints: the verdict (first line: `no regression against …` or `N regressions
 * against …`), the baseline's standing when it is provisional, a tally of what was guarded, and
 * on request (`--limits`, which scripts/gate.sh appends to summary.md) one row per guarded link
 * and total: the gate's limit next to the suite's budget, so a reader sees which is tighter.
 */
import type { GateCheck } from './link-gate.js';
import type { GateVerdict } from './compare.js';

const fmt = (x: number, unit: 'ms' | 's') => `${x.toFixed(unit === 'ms' ? 2 : 3)} ${unit}`;

/** Checks whose limit is not below what the suite allows (the gate would be the looser of the two). */
export const notTighter = (checks: GateCheck[]) =>
  checks.filter((c) => c.budget !== undefined && Number.isFinite(c.limit) && c.limit >= c.budget);

function tally(v: GateVerdict): string | undefined {
  if (v.checks.length === 0) return undefined;
  const links = v.checks.filter((c) => c.unit === 'ms');
  const random = links.filter((c) => c.lower !== undefined).length;
  const unknown = v.checks.filter((c) => !Number.isFinite(c.limit));
  const loose = notTighter(v.checks);
  return (
    `guarded: ${links.length} waterfall links (${random} random waits in their windows), ${v.checks.length - links.length} totals` +
    (unknown.length ? `; ${unknown.length} not verified (${unknown.map((c) => c.key).join(', ')})` : '') +
    (loose.length
      ? `; ${loose.length} limits not below the suite's budget: ${loose.map((c) => `${c.fault ?? c.test.split(' > ').at(-1)} ${c.key}`).join(', ')}`
      : "; every limit below the suite's budget")
  );
}

export function verdictText(v: GateVerdict, baseline: string): string {
  const n = v.regressions.length;
  const head =
    n === 0
      ? `no regression against ${baseline}`
      : `${n} regression${n === 1 ? '' : 's'} against ${baseline}:\n${v.regressions.map((r) => `  - ${r.test}: ${r.what}`).join('\n')}`;
  return [head, v.provisional, v.versions, tally(v)].filter(Boolean).join('\n') + '\n';
}

/** The table of every guarded value: markdown, one row each. */
export function limitsTable(checks: GateCheck[]): string {
  const rows = checks.map((c) => {
    const limit = !Number.isFinite(c.limit)
      ? 'not verified'
      : c.lower !== undefined
        ? `[${fmt(Math.max(0, c.lower), c.unit)}, ${fmt(c.limit, c.unit)}]`
        : `≤ ${fmt(c.limit, c.unit)}`;
    const budget = c.budget === undefined ? '—' : `${fmt(c.budget, c.unit)} (${c.budgetWhat})`;
    const value = c.value === undefined ? 'missing' : fmt(c.value, c.unit);
    return `| ${c.fault ?? c.test.split(' > ').at(-1)} | ${c.key} | ${value} | ${limit} | ${budget} | ${c.rule.replace(/\|/g, '\\|')} |`;
  });
  return [
    '| fault | guarded value | this run | gate limit | suite budget | rule |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
