/**
 * The policy lab (test/support/policy-lab.ts: peer-group uplinks, leaf3 prepending its AS twice
 * towards the spine) brought up for real: `up` converges on the derived expectations (one path
 * at the spine), the read-only suites pass on it, and `down` leaves nothing behind.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/lab-copy.js';
import { CLI, expectHostClean, namedCopy } from '../support/host.js';
import { makePolicyLab } from '../support/policy-lab.js';

const VITEST = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const SUITES = ['0-smoke', '1-bgp-sessions', '2-vip-routes', '2-intent'].map((s) => `suites/${s}.test.ts`);

describe('the policy lab, live', () => {
  it('comes up, passes suites 0, 1, 2 and 2-intent with the derived expectations, and goes', async () => {
    const { copy, model } = namedCopy('pt-policy');
    makePolicyLab(copy);
    const down = () => execa(process.execPath, [CLI, '-C', copy.root, 'down'], { reject: false, all: true });
    onTestFinished(async () => void (await down()));
    const up = await execa(process.execPath, [CLI, '-C', copy.root, 'up'], { reject: false, all: true });
    expect(up.exitCode, up.all).toBe(0);
    const reports = join(copy.root, 'run-reports');
    const r = await execa(process.execPath, [VITEST, 'run', '--project', 'lab', ...SUITES], {
      cwd: PROJECT_ROOT,
      reject: false,
      all: true,
      env: { ANYCAST_VERIFY_DIR: copy.root, ANYCAST_VERIFY_REPORTS: reports, ANYCAST_VERIFY_REUSE: '1' },
    });
    expect(r.exitCode, r.all).toBe(0);
    const results = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as {
      tests: { name: string; state: string }[];
    };
    // The spine's expectation is the policy's: one path, via leaf2 (cluster01's AS path is shorter).
    expect(results.tests.filter((t) => t.name.includes('one path via leaf2')).map((t) => t.state)).toEqual(['passed']);
    const gone = await down();
    expect(gone.exitCode, gone.all).toBe(0);
    await expectHostClean(model);
  }, 240_000);
});
