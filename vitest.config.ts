import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import FileOrderSequencer from './suites/setup/file-order.js';
import { reportsDir } from './helpers/report/reports-dir.js';
import { decideScenarioLabs } from './helpers/lab/scenario-labs.js';
import { providerName } from './helpers/lab/select-provider.js';
import { SCENARIO_SUITES } from './suites/setup/suite-kinds.js';

// Copies of the lab the fault and breakage scenarios run on, side by side (helpers/lab/lab-pool.ts);
// 0 on a provider that cannot run a copy, or a host without a free core for one: then one lab,
// one suite file at a time. Decided here, once per run, and handed on in the environment.
const SCENARIO_LABS = decideScenarioLabs(providerName()).copies;
// Every scenario suite starts at once and queues its leases (the pool grants the longest
// scenario first), with one more worker for the read-only suites, one after another.
const LAB_FILES_AT_ONCE = SCENARIO_SUITES.length + 1;
// In every project: a worker whose main process is gone stops what it started and ends.
const EXIT_WHEN_ORPHANED = 'suites/setup/exit-when-orphaned.ts';

export default defineConfig({
  test: {
    // One sequencer for every project (vitest reads only the root's): it orders the lab suites.
    sequence: { sequencer: FileOrderSequencer },
    reporters: [
      'default',
      ['junit', { outputFile: `${reportsDir(fileURLToPath(new URL('.', import.meta.url)))}/junit.xml` }],
      './helpers/report/run-reporter.ts',
    ],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: [EXIT_WHEN_ORPHANED],
          // Not vitest's 5 s: many unit tests run the CLI as a user does (a Node process that
          // loads the model and checks schemas). Measured: 1.6–2.6 s under the flake loop's load
          // (one busy core), 5.1 s with a second lab coming up beside it, which timed one out.
          // The timeout is no claim about the product; it only has to outlast a loaded host.
          testTimeout: 30_000,
          // One module registry per worker instead of one per file: the unit tests hold no
          // state between files (env stubs and spies are restored after each test). Measured
          // 2026-12-02 on 2 cores: 72 s isolated, 42 s not; green with the files in three
          // orders (`--sequence.shuffle.files --sequence.seed=7`, `=1234`, and the default).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Lifecycle tests that start and kill labs of their own (root): before the suites' lab, never beside it.
        test: {
          name: 'process',
          include: ['test/process/**/*.test.ts'],
          setupFiles: [EXIT_WHEN_ORPHANED],
          fileParallelism: false,
          testTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'lab',
          include: ['suites/**/*.test.ts'],
          // The rehearsal brings up labs of its own and takes minutes: a project of its own.
          exclude: ['suites/9-rehearsal.test.ts'],
          globalSetup: ['suites/setup/global-lab.ts'],
          setupFiles: [EXIT_WHEN_ORPHANED, 'suites/setup/lab-health.ts'],
          // The read-only suites share the run's lab; each scenario leases a copy of its own, so
          // the files run side by side (the scenario suites first: they hold the critical path).
          // Without copies: one lab, one file at a time, in file-name order.
          fileParallelism: SCENARIO_LABS > 0,
          maxWorkers: SCENARIO_LABS > 0 ? LAB_FILES_AT_ONCE : 1,
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The upgrade rehearsal (`npm run test:rehearsal`): labs of its own, one strategy after another.
        test: {
          name: 'rehearsal',
          include: ['suites/9-rehearsal.test.ts'],
          setupFiles: [EXIT_WHEN_ORPHANED],
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
