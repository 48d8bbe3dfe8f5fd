/** What loading a lab's files rejects, as formatted problems (none when it loads), and the rejection cases' common parts. */
import { describe, expect, it } from 'vitest';
import { formatProblem, LabConfigError } from '../../helpers/model/errors.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { LabCopy } from './lab-copy.js';
import { labCopy } from './lab-copy.js';

export function rejectionsOf(root: string): string[] {
  try {
    loadLabModel({ root });
  } catch (err) {
    if (err instanceof LabConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

/** The lab's files the rejection cases mutate, relative to the project root. */
export const TOPO = 'containerlab/anycast.clab.yml';
export const PEER = 'fixtures/cilium/bgp-peer-config.yaml';
export const CC1 = 'fixtures/cilium/cluster01/bgp-cluster-config.yaml';
export const ADV = 'fixtures/cilium/bgp-advertisement.yaml';
export const POOL = 'fixtures/cilium/lb-ip-pool.yaml';
export const ECHO = 'fixtures/workloads/echo.yaml';
export const LEAF2 = 'containerlab/configs/leaf2.frr.conf';
export const SECRET = 'fixtures/cilium/bgp-auth-secret.yaml';
export const DAEMONS = 'containerlab/configs/daemons';
export const SPINE = 'containerlab/configs/spine.frr.conf';
export const LEAF1 = 'containerlab/configs/leaf1.frr.conf';
export const LEAF3 = 'containerlab/configs/leaf3.frr.conf';

/** The 1-based line of the first line of `file` in the copy that contains `text`. */
export const lineOf = (c: LabCopy, file: string, text: string) =>
  c
    .read(file)
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

/** One bad input: how a copy of the lab is broken, and the problem `check` must report for it (and must not). */
export interface RejectionCase {
  name: string;
  mutate: (c: LabCopy) => void;
  expect: (c: LabCopy) => RegExp | string;
  notExpect?: RegExp;
}

/** One test per case, each on its own copy of the lab: the expected problem is among those reported. */
export function checkRejects(cases: RejectionCase[]): void {
  describe('check rejects, naming file, field and line', () => {
    it.each(cases.map((x) => [x.name, x] as const))('%s', (_name, x) => {
      const c = labCopy();
      x.mutate(c);
      const want = x.expect(c);
      const got = rejectionsOf(c.root);
      if (typeof want === 'string') expect(got).toContain(want);
      else
        expect(
          got.some((p) => want.test(p)),
          `one of:\n${got.join('\n')}`,
        ).toBe(true);
      if (x.notExpect) expect(got.filter((p) => x.notExpect!.test(p))).toEqual([]);
    });
  });
}
