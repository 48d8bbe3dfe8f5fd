/**
 * The per-hop and injection allowances of the fault budgets: FRR's two holds plus the band of
 * the recorded measurements, each traceable to how they were taken; never a typed number.
 */
import { describe, expect, it } from 'vitest';
import { bandOf } from '../../helpers/faults/bands.js';
import {
  FRR_HOLDS_MS,
  hopAllowance,
  injectionAllowance,
  MEASURED,
  reconnectAllowance,
  speakerStartAllowance,
} from '../../helpers/faults/hop-allowance.js';
import { MIN_BASELINE_RUNS } from '../../helpers/faults/bands.js';

describe('the per-hop allowance', () => {
  it("is FRR's process-queue and RIB holds plus the band of the measured excesses", () => {
    const band = bandOf(MEASURED.hopExcessMs, 0.01);
    expect(hopAllowance().seconds).toBeCloseTo((50 + 10 + band.upper) / 1000, 9);
    expect(FRR_HOLDS_MS).toEqual({ bgpdProcessQueue: 50, zebraRibQueue: 10 });
    expect(hopAllowance().formula).toMatch(
      /^FRR's holds 50 \+ 10 ms \+ work ≤ \d+ ms \(max [\d.]+ \+ 10 × MAD [\d.]+ ms of \d+ measured in \d+ runs, /,
    );
  });

  it('follows the measurement: a slower host gives a larger allowance', () => {
    const slower = { ...MEASURED, hopExcessMs: MEASURED.hopExcessMs.map((x) => x + 20) };
    expect(hopAllowance(slower).seconds).toBeCloseTo(hopAllowance().seconds + 0.02, 9);
  });

  it('comes from enough recorded runs, with the command that takes them again', () => {
    expect(MEASURED.runs).toBeGreaterThanOrEqual(MIN_BASELINE_RUNS);
    expect(MEASURED.command).toMatch(/^npm run gate-mutants -- .*--measure/);
    expect(MEASURED.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(MEASURED.hopExcessMs.length).toBeGreaterThanOrEqual(MEASURED.runs);
    expect(MEASURED.injectionMs.length).toBeGreaterThanOrEqual(MEASURED.runs);
    // One crashed speaker's start and one re-opened fabric session per run: a sample per run, none typed in.
    expect(MEASURED.speakerStartMs.length).toBeGreaterThanOrEqual(MEASURED.runs);
    expect(MEASURED.reconnectMs.length).toBeGreaterThanOrEqual(MEASURED.runs);
  });
});

describe('the injection allowance (vip-withdrawn on the embedded lab)', () => {
  it('is the band of the measured injections, and says so', () => {
    expect(injectionAllowance().seconds).toBeCloseTo(bandOf(MEASURED.injectionMs, 0.01).upper / 1000, 9);
    expect(injectionAllowance().formula).toMatch(/^the command reaching the speaker ≤ \d+ ms \(max /);
  });
});

describe('the speaker-start and session re-opening allowances', () => {
  it('are the bands of their measured samples, and say so', () => {
    expect(speakerStartAllowance().seconds).toBeCloseTo(bandOf(MEASURED.speakerStartMs, 0.01).upper / 1000, 9);
    expect(speakerStartAllowance().formula).toMatch(/^speaker start ≤ \d+ ms \(max /);
    expect(reconnectAllowance().seconds).toBeCloseTo(bandOf(MEASURED.reconnectMs, 0.01).upper / 1000, 9);
    expect(reconnectAllowance().formula).toMatch(/^the session re-opened ≤ \d+ ms \(max /);
  });
});
