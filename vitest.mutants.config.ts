// `npm run mutants`: the mutation score (test/mutants), apart from `npm test` because an edit
// that `check` lets through costs a lab bring-up and the fast suites.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/mutants/**/*.test.ts'],
    setupFiles: ['suites/setup/exit-when-orphaned.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
  },
});
