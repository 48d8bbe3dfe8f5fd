/**
 * Which lab suites only read the run's lab and which break a lab of their own (a fault, a break,
 * a drain: suites/lab.ts scenarioLab). The pool hands the run's lab to the scenarios once every
 * read-only suite is done with it (helpers/lab/lab-pool.ts reserveHome), and the run starts one
 * worker per scenario suite plus one for the read-only suites (vitest.config.ts).
 * test/unit/suite-kinds.test.ts checks every suite file is in exactly one list, by what it calls.
 */
export const READ_ONLY_SUITES = ['0-smoke', '1-bgp-sessions', '2-intent', '2-vip-routes', '3-client-paths'] as const;

export const SCENARIO_SUITES = ['4-failover', '5-breakage', '7-all-vips', '8-drain'] as const;

/** The suite a test file holds ("suites/0-smoke.test.ts" → "0-smoke"). */
export const suiteOf = (file: string): string => (file.split('/').pop() ?? file).replace(/\.test\.ts$/, '');
