import { defineConfig } from 'vitest/config';
import FileOrderSequencer from './suites/setup/file-order.js';

export default defineConfig({
  test: {
    reporters: ['default', ['junit', { outputFile: 'reports/junit.xml' }], './helpers/report/run-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'lab',
          include: ['suites/**/*.test.ts'],
          globalSetup: ['suites/setup/global-lab.ts'],
          setupFiles: ['suites/setup/matchers.ts', 'suites/setup/lab-health.ts'],
          // One lab, shared: suite files run one at a time, in the order below, against it.
          fileParallelism: false,
          sequence: { sequencer: FileOrderSequencer },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
