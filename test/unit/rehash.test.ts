/**
 * Established connections through a fault: the share hash-threshold moves, the per-connection
 * judgement against the FIB's predictions, and the probe's event stream read back.
 */
import { describe, expect, it } from 'vitest';
import { movedShare } from '../../helpers/traffic/hash-threshold.js';
import { judgeRehash, connectionKey } from '../../helpers/faults/rehash.js';
import { parseHeld, type HeldConnection } from '../../helpers/traffic/held-connections.js';

describe('hash-threshold: the share of flows a next-hop change moves', () => {
  it('two next hops, one removed or added back: half', () => {
    expect(movedShare(['a', 'b'], ['b'])).toBeCloseTo(1 / 2);
    expect(movedShare(['b'], ['a', 'b'])).toBeCloseTo(1 / 2);
  });
  it('three: removing the middle one moves only its third; removing the first also shifts a sixth of the second', () => {
    expect(movedShare(['a', 'b', 'c'], ['a', 'c'])).toBeCloseTo(1 / 3);
    expect(movedShare(['a', 'b', 'c'], ['b', 'c'])).toBeCloseTo(1 / 2);
  });
  it('no change moves nothing; losing every next hop moves everything', () => {
    expect(movedShare(['a', 'b'], ['a', 'b'])).toBe(0);
    expect(movedShare(['a', 'b'], [])).toBe(1);
  });
});

const conn = (client: string, sport: number, openedAt: number, cluster: string, brokeAt?: number): HeldConnection => ({
  client,
  id: sport,
  slot: sport,
  sport,
  openedAt,
  cluster,
  servedBy: [cluster],
  brokeAt,
  how: brokeAt ? 'reset' : undefined,
});
const map = (entries: [HeldConnection, string][]) => new Map(entries.map(([c, cl]) => [connectionKey(c), cl]));

describe('judging connections against the FIB', () => {
  const phases = { fault: 1000, moved: 1200, restore: 5000, end: 7000 };
  // a: on the victim, breaks at the move; b: on the survivor throughout; c: opened after the move, moved back at the fail-back.
  const a = conn('client', 1, 0, 'c1', 1210);
  const b = conn('client', 2, 0, 'c2');
  const c = conn('client', 3, 1300, 'c2', 5100);
  const before = map([
    [a, 'c1'],
    [b, 'c2'],
  ]);
  const moved = map([
    [a, 'c2'],
    [b, 'c2'],
    [c, 'c2'],
  ]);
  const back = map([
    [b, 'c2'],
    [c, 'c1'],
  ]);

  it('agrees when each connection broke exactly where the FIB moved it', () => {
    const j = judgeRehash([a, b, c], phases, before, moved, back);
    expect(j.misserved).toEqual([]);
    expect(j.disagreements).toEqual([]);
    expect(j.counts.fault).toEqual({ alive: 2, predicted: 1, broken: 1 });
    expect(j.counts.failBack).toMatchObject({
      alive: 2,
      predicted: 1,
      broken: 1,
      survivedFault: 1,
      brokenSurvivedFault: 0,
      openedAfterMove: 1,
      brokenOpenedAfterMove: 1,
    });
  });

  it('names a connection that broke although its path stayed, and one that survived a move', () => {
    const bBroke = { ...b, brokeAt: 5050, how: 'reset' as const };
    const cSurvived = { ...c, brokeAt: undefined };
    const j = judgeRehash([a, bBroke, cSurvived], phases, before, moved, back);
    expect(j.disagreements).toEqual([
      expect.stringMatching(
        /^client port 2 \(served by c2\): the FIB after the fail-back sends it to c2, so it should survive; it broke \(reset/,
      ),
      expect.stringMatching(
        /^client port 3 \(served by c2\): the FIB after the fail-back sends it to c1, so it should break; it survived$/,
      ),
    ]);
  });

  it('a connection served by another cluster than the FIB names is reported before anything else', () => {
    const j = judgeRehash(
      [a, b],
      phases,
      map([
        [a, 'c2'],
        [b, 'c2'],
      ]),
      moved,
      back,
    );
    expect(j.misserved).toEqual(['client port 1: served by c1, the FIB before the fault names c2']);
  });
});

describe("the probe's events", () => {
  it('make one record per connection; a connection that never connected leaves none', () => {
    const text = [
      '{"ev":"open","c":0,"slot":0,"sport":40000,"t":1}',
      '{"ev":"served","c":0,"t":2,"cluster":"cluster01"}',
      '{"ev":"broke","c":1,"t":3,"how":"connect","err":"ETIMEDOUT"}',
      '{"ev":"broke","c":0,"t":9,"how":"reset","err":"ECONNRESET","lastOk":8}',
      '{"ev":"open","c":2,"slot":0,"sport":40002,"t":10}',
      '{"ev":"served","c":2,"t":11,"cluster":"cluster02"}',
      '{"ev":"end","c":2,"t":20,"requests":5}',
      '',
    ].join('\n');
    expect(parseHeld('client', text)).toEqual([
      {
        client: 'client',
        id: 0,
        slot: 0,
        sport: 40000,
        openedAt: 1,
        cluster: 'cluster01',
        servedBy: ['cluster01'],
        brokeAt: 9,
        how: 'reset',
        err: 'ECONNRESET',
        lastOk: 8,
      },
      { client: 'client', id: 2, slot: 0, sport: 40002, openedAt: 10, cluster: 'cluster02', servedBy: ['cluster02'] },
    ]);
  });
});
