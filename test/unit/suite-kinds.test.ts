/**
 * Every lab suite is read-only or a scenario suite, by what it calls: the pool hands the run's lab
 * to the scenarios once the read-only ones are done (helpers/lab/lab-pool.ts reserveHome), so a
 * scenario suite listed as read-only would break the lab under a read, and a read-only suite
 * left out would keep the run's lab out of the pool.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READ_ONLY_SUITES, SCENARIO_SUITES, suiteOf } from '../../suites/setup/suite-kinds.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const dir = join(PROJECT_ROOT, 'suites');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts') && f !== '9-rehearsal.test.ts');

describe('the lab suites by kind', () => {
  it('lists each suite file once, a scenario suite exactly when it leases a lab of its own', () => {
    // faultRun (suites/fault-runs.ts) leases through scenarioLab for the first test of each fault.
    const leases = (f: string) =>
      /\b(scenarioLab|suiteScenarioLab|faultRun)\(/.test(readFileSync(join(dir, f), 'utf8'));
    expect([...READ_ONLY_SUITES, ...SCENARIO_SUITES].sort()).toEqual(files.map(suiteOf).sort());
    expect(files.filter(leases).map(suiteOf).sort()).toEqual([...SCENARIO_SUITES].sort());
  });
});
