/**
 * The metric keys both ends of the seam use (helpers/report/metric-keys.ts): distinct, each
 * family's members told apart from every other key, and the readers (the regression gate,
 * the summary's fault rows) finding exactly what a suite writes with the same constants.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_VIPS_KEYS,
  FAILOVER_KEYS,
  keyFamily,
  METRIC_KEY_GROUPS,
  REHASH_KEYS,
  type AllVipsPhase,
  type KeyFamily,
} from '../../helpers/report/metric-keys.js';
import { GUARDED_COUNTS, GUARDED_TIMINGS, isGuardedCount, isGuardedTiming } from '../../helpers/report/compare.js';
import type { RecordedMetric } from '../../helpers/report/metrics.js';
import { buildSummary, type TestRecord } from '../../helpers/report/run-summary.js';

const PHASES: AllVipsPhase[] = ['fault', 'failBack'];
const isFamily = (v: unknown): v is KeyFamily => typeof v === 'function' && 'prefix' in v;

/** Every fixed key, with the group and name that declares it (the per-phase keys for both phases). */
function fixedKeys(): { at: string; key: string }[] {
  return Object.entries(METRIC_KEY_GROUPS).flatMap(([group, keys]) =>
    Object.entries(keys).flatMap(([name, k]: [string, unknown]) =>
      typeof k === 'string'
        ? [{ at: `${group}.${name}`, key: k }]
        : isFamily(k)
          ? []
          : PHASES.map((p) => ({ at: `${group}.${name}(${p})`, key: (k as (p: AllVipsPhase) => string)(p) })),
    ),
  );
}
const families = Object.entries(METRIC_KEY_GROUPS).flatMap(([group, keys]) =>
  Object.entries(keys).flatMap(([name, k]: [string, unknown]) => (isFamily(k) ? [{ at: `${group}.${name}`, k }] : [])),
);

describe('metric keys', () => {
  it('are distinct, `<area>.<what>`, and no fixed key reads as a member of a family', () => {
    const keys = fixedKeys();
    expect(new Set(keys.map((k) => k.key)).size).toBe(keys.length);
    for (const { at, key } of keys) {
      expect(key, at).toMatch(/^[a-z][A-Za-z]*\.[A-Za-z.]+$/);
      for (const f of families) expect(f.k.who(key), `${at} read as a member of ${f.at}`).toBeUndefined();
    }
  });

  it("a family's prefix is no other family's", () => {
    for (const a of families)
      for (const b of families.filter((x) => x !== a))
        expect(b.k.prefix.startsWith(a.k.prefix), `${b.at} inside ${a.at}`).toBe(false);
  });

  it("a family names a member and reads it back; another family's key is not its own", () => {
    const f = keyFamily('failover.lost.');
    expect(f('client02')).toBe('failover.lost.client02');
    expect(f.who(f('client02'))).toBe('client02');
    expect(f.who('failover.lost.')).toBeUndefined();
    expect(f.who(FAILOVER_KEYS.outage('client02'))).toBeUndefined();
    expect(ALL_VIPS_KEYS.events('failBack')).toBe('allVips.failBack.events');
  });
});

const timing = (key: RecordedMetric['key'], value = 1): RecordedMetric => ({ key, name: key, value, unit: 's' });
const count = (key: RecordedMetric['key'], value = 1): RecordedMetric => ({ key, name: key, value });

describe('the regression gate reads the keys the suites write', () => {
  it('its guarded timings and counts are built from the constants', () => {
    expect(GUARDED_TIMINGS).toEqual([FAILOVER_KEYS.moved, FAILOVER_KEYS.back, `${FAILOVER_KEYS.outage.prefix}*`]);
    expect(GUARDED_COUNTS).toEqual([REHASH_KEYS.faultBroken, REHASH_KEYS.failBackBrokenAfterMove]);
  });

  it('guards exactly those of a fault as written: the moves, each client outage, the broken connections', () => {
    const written = [
      timing(FAILOVER_KEYS.moved),
      timing(FAILOVER_KEYS.back),
      timing(FAILOVER_KEYS.outage('client')),
      timing(FAILOVER_KEYS.outage('client02')),
      timing(FAILOVER_KEYS.transient),
      timing(FAILOVER_KEYS.speakerBack),
      timing(ALL_VIPS_KEYS.move('fault')),
      count(FAILOVER_KEYS.lost('client')),
      count(REHASH_KEYS.faultBroken),
      count(REHASH_KEYS.failBackBrokenAfterMove),
      count(REHASH_KEYS.failBackBroken),
    ];
    expect(written.filter(isGuardedTiming).map((m) => m.key)).toEqual([
      'failover.moved',
      'failover.back',
      'failover.outage.client',
      'failover.outage.client02',
    ]);
    expect(written.filter(isGuardedCount).map((m) => m.key)).toEqual([
      'rehash.fault.broken',
      'rehash.failBack.brokenAfterMove',
    ]);
  });
});

describe("the summary's fault row reads the keys the failover suite writes", () => {
  it('finds the moves, each client loss and each cause by their constants', () => {
    const test: TestRecord = {
      project: 'lab',
      file: 'suites/4-failover.test.ts',
      name: 'failover > silent-drop: a fault',
      state: 'passed',
      artefacts: [],
      metrics: [
        { ...timing(FAILOVER_KEYS.moved, 1.5), budget: 2, formula: 'f' },
        timing(FAILOVER_KEYS.back, 3),
        count(FAILOVER_KEYS.lost('client'), 2),
        count(FAILOVER_KEYS.lost('client02'), 1),
        count(FAILOVER_KEYS.requests('client'), 900),
        count(FAILOVER_KEYS.cause('black-hole'), 3),
        count(FAILOVER_KEYS.unexplained, 1),
      ],
    };
    const doc = buildSummary({ wallSeconds: 1, counts: { passed: 1 }, tests: [test] });
    expect(doc.suites[0]!.rows).toEqual([]);
    expect(doc.suites[0]!.faults).toEqual([
      expect.objectContaining({
        moved: '1.5 s',
        movedBudget: '2 s = f',
        back: '3 s',
        lost: 'client 2, client02 1',
        causes: 'black-hole 3, **unexplained 1**',
      }),
    ]);
  });
});
