/** The host's CPU contention over a window, from /proc/pressure/cpu's cumulative "some" counter. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentionNote, cpuWaitedMs, watchCpuPressure, type CpuPressure } from '../../helpers/os/cpu-pressure.js';

const dir = mkdtempSync(join(tmpdir(), 'anycast-verify-psi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const psi = (someUs: number) =>
  `some avg10=0.00 avg60=0.00 avg300=0.00 total=${someUs}\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n`;

describe('cpu pressure', () => {
  // Samples 100 ms apart: 0, 50 ms and 140 ms of waiting since the first.
  const p: CpuPressure = {
    samples: [
      [1000, 5_000_000],
      [1100, 5_050_000],
      [1200, 5_140_000],
    ],
  };

  it('reads a window between samples by interpolation, and nothing outside them', () => {
    expect(cpuWaitedMs(p, 1000, 1200)).toBe(140);
    expect(cpuWaitedMs(p, 1050, 1150)).toBeCloseTo(25 + 45, 6);
    expect(cpuWaitedMs(p, 900, 1100)).toBeUndefined();
    expect(cpuWaitedMs(p, 1100, 1300)).toBeUndefined();
    expect(cpuWaitedMs({ absent: 'x' }, 1000, 1100)).toBeUndefined();
  });

  it("words it for a claim's message, or says it was not measured and why", () => {
    expect(contentionNote(p, 1000, 1200)).toBe(
      "; the host's tasks waited for a CPU 140 of these 200 ms (/proc/pressure/cpu)",
    );
    expect(contentionNote(p, 1100, 1300)).toBe("; the host's CPU contention not measured over this window");
    expect(contentionNote({ absent: '/proc/pressure/cpu unreadable (ENOENT)' }, 0, 1)).toBe(
      "; the host's CPU contention not measured: /proc/pressure/cpu unreadable (ENOENT)",
    );
  });

  it('samples the counter from its first read to its stop, or names why it cannot', async () => {
    const file = join(dir, 'cpu');
    writeFileSync(file, psi(1_000));
    const w = watchCpuPressure(file);
    await new Promise((r) => setTimeout(r, 120));
    writeFileSync(file, psi(61_000));
    const got = w.stop();
    if ('absent' in got) throw new Error(got.absent);
    expect(got.samples.length).toBeGreaterThanOrEqual(3);
    expect(got.samples[0]![1]).toBe(1_000);
    expect(got.samples.at(-1)![1]).toBe(61_000);
    expect(cpuWaitedMs(got, got.samples[0]![0], got.samples.at(-1)![0])).toBe(60);
    const n = got.samples.length;
    expect(w.stop(), 'a second stop (a clean-up) returns the same samples, none added').toEqual({
      samples: got.samples,
    });
    expect(got.samples.length).toBe(n);
    const missing = watchCpuPressure(join(dir, 'absent')).stop();
    expect(missing).toMatchObject({ absent: expect.stringMatching(/absent unreadable \(ENOENT/) });
    writeFileSync(join(dir, 'odd'), 'nothing here\n');
    expect(watchCpuPressure(join(dir, 'odd')).stop()).toMatchObject({ absent: expect.stringMatching(/no "some/) });
  });
});
