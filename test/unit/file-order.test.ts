/** The order the lab suites start in, and that vitest really uses the sequencer that sets it. */
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';
import FileOrderSequencer, { labFileOrder, ORDERED_PROJECT } from '../../suites/setup/file-order.js';

const files = [
  'suites/4-failover.test.ts',
  'suites/0-smoke.test.ts',
  'suites/8-drain.test.ts',
  'suites/2-intent.test.ts',
];
const specs = files.map((moduleId) => ({ moduleId }));

describe('the lab suites’ order', () => {
  it('one at a time: the read-only checks by name first, the disruptive suites last', () => {
    expect(labFileOrder(specs, false).map((s) => s.moduleId)).toEqual([
      'suites/0-smoke.test.ts',
      'suites/2-intent.test.ts',
      'suites/4-failover.test.ts',
      'suites/8-drain.test.ts',
    ]);
  });

  it('side by side: the scenario suites first', () => {
    expect(labFileOrder(specs, true)[0]!.moduleId).toBe('suites/8-drain.test.ts');
  });

  // Vitest reads `sequence.sequencer` from the root config only (a project's is ignored): the
  // sequencer once sat in the lab project and the suites ran longest-first for weeks unnoticed.
  it('is the root config’s sequencer, and no project names one of its own', () => {
    const test = config.test!;
    expect(test.sequence?.sequencer).toBe(FileOrderSequencer);
    const projects = (test.projects ?? []) as { test?: { name?: string; sequence?: { sequencer?: unknown } } }[];
    expect(projects.map((p) => p.test?.name)).toContain(ORDERED_PROJECT);
    for (const p of projects) expect(p.test?.sequence?.sequencer, p.test?.name).toBeUndefined();
  });
});
