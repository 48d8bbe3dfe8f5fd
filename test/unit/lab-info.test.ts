/**
 * reports/lab.json between the global setup that writes it and the run reporter that reads it
 * (helpers/report/lab-info.ts): what one writes the other reads back whole, and a missing,
 * stale or damaged file is named, never a crash of the report.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { LAB_INFO_FILE, labInfoOf, readLabInfo, writeLabInfo } from '../../helpers/report/lab-info.js';
import RunReporter from '../../helpers/report/run-reporter.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });

/** A netns lab whose routers all run hash policy 3 with fields 0x0037. */
const fakeLab = (): LabHandle =>
  ({
    provider: 'netns',
    model,
    versions: async () => ({ runtime: 'trixie', frr: '10.3', 'frr pinned': '10.5.1' }),
    exec: async () => ({ stdout: '3\n55\n', stderr: '', exitCode: 0 }),
  }) as unknown as LabHandle;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'anycast-verify-lab-info-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lab.json', () => {
  it('is read back as written: versions, the hash policy the routers run, every speaker timer', async () => {
    const info = await labInfoOf(fakeLab(), model, { bringUpSeconds: 3.25, scenarioLabs: 2 });
    writeLabInfo(dir, info);
    expect(readLabInfo(dir)).toEqual({ status: 'ok', info: JSON.parse(JSON.stringify(info)) });
    expect(info).toMatchObject({ lab: model.name, provider: 'netns', hashing: { policy: 3, fields: 0x37 } });
    expect(info.timers.length).toBeGreaterThan(0);
  });

  it('keeps why the hash policy could not be read, and a lab without a bring-up time', async () => {
    const broken = { ...fakeLab(), exec: async () => Promise.reject(new Error('router gone')) } as LabHandle;
    writeLabInfo(dir, await labInfoOf(broken, model));
    const r = readLabInfo(dir);
    expect(r.status === 'ok' && r.info.hashing).toBe('router gone');
    expect(r.status === 'ok' && 'bringUpSeconds' in r.info).toBe(false);
  });

  it("says when it is missing, or another run's", async () => {
    expect(readLabInfo(dir)).toEqual({ status: 'missing', problem: `${join(dir, LAB_INFO_FILE)} is missing` });
    writeLabInfo(dir, await labInfoOf(fakeLab(), model));
    utimesSync(join(dir, LAB_INFO_FILE), new Date(1000), new Date(1000));
    expect(readLabInfo(dir, { since: Date.now() - 60_000 })).toEqual({
      status: 'missing',
      problem: `${join(dir, LAB_INFO_FILE)} is from an earlier run`,
    });
  });

  it('names what is wrong with a damaged or differently shaped file', () => {
    writeFileSync(join(dir, LAB_INFO_FILE), '{"lab": "anycast",');
    expect(readLabInfo(dir)).toMatchObject({ status: 'malformed', problem: expect.stringContaining('is not JSON') });
    writeFileSync(join(dir, LAB_INFO_FILE), JSON.stringify({ lab: 'anycast', provider: 'kind', timers: [] }));
    const r = readLabInfo(dir);
    expect(r.status).toBe('malformed');
    expect(r.status !== 'ok' && r.problem).toMatch(/is not a lab record: provider: .*; versions: .*; hashing: /);
  });
});

describe('the run reporter', () => {
  it("writes the report without the lab when this run's lab.json is damaged, and says why", () => {
    vi.stubEnv('ANYCAST_VERIFY_REPORTS', dir);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // Written after the run started, as the global setup writes it: this run's, not a stale one.
      const reporter = new RunReporter();
      writeFileSync(join(dir, LAB_INFO_FILE), 'not json');
      utimesSync(join(dir, LAB_INFO_FILE), new Date(), new Date(Date.now() + 1000));
      reporter.onTestRunEnd([]);
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { lab?: unknown };
      expect(results.lab).toBeUndefined();
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain(`${join(dir, LAB_INFO_FILE)} is not JSON`);
    } finally {
      err.mockRestore();
      out.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
