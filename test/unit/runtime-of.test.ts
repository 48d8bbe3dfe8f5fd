/**
 * Mixed versions (helpers/runtimes/runtime-of.ts): `--runtime-of spine=sid` parsed, each name
 * checked against the lab's routers and Kubernetes nodes and each runtime against the catalogue
 * before anything starts; a host, an unknown node or runtime is refused by name.
 */
import { describe, expect, it } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import {
  describeRuntimeOf,
  nodesOnOtherRuntimes,
  parseRuntimeOf,
  resolveRuntimeOf,
  runtimeFor,
  runtimeOfVersions,
} from '../../helpers/runtimes/runtime-of.js';
import type { LabRuntime } from '../../helpers/os/run-state.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const rt = (suite: string, frr: string, gobgp: string) => ({ suite, frr, gobgp }) as LabRuntime;

describe('--runtime-of', () => {
  it('parses node=runtime pairs, and refuses what is not one or names a node twice', () => {
    expect(parseRuntimeOf('spine=sid, cluster02=bookworm')).toEqual({ spine: 'sid', cluster02: 'bookworm' });
    expect(parseRuntimeOf(undefined)).toEqual({});
    expect(() => parseRuntimeOf('spine:sid')).toThrow(/"spine:sid" is not <node>=<runtime>/);
    expect(() => parseRuntimeOf('spine=sid,spine=trixie')).toThrow(/spine named twice/);
  });

  it('refuses a host, a node the lab does not have and a runtime that does not exist, before anything starts', () => {
    expect(() => resolveRuntimeOf(model, 'client=sid')).toThrow(
      /"client" is no router or Kubernetes node of lab "anycast"/,
    );
    expect(() => resolveRuntimeOf(model, 'leaf9=sid')).toThrow(/"leaf9" is no router/);
    expect(() => resolveRuntimeOf(model, 'spine=jessie')).toThrow(
      /spine=jessie: no such runtime \(bookworm, trixie, sid\)/,
    );
    expect(resolveRuntimeOf(model, '')).toEqual({});
  });

  it("gives each node its own runtime, else the lab's, and says which differ", () => {
    const of = { spine: rt('sid', '10.7.1', '4.8.0') };
    const lab = rt('trixie', '10.3', '3.36.0');
    expect([runtimeFor(lab, of, 'spine').suite, runtimeFor(lab, of, 'leaf1').suite]).toEqual(['sid', 'trixie']);
    expect(describeRuntimeOf(of)).toEqual(['spine: sid (FRR 10.7.1, GoBGP 4.8.0)']);
    // lab.json carries it as a versions entry, and status and the summary read it back by node.
    const versions = { frr: '10.3', ...runtimeOfVersions(of) };
    expect(versions).toEqual({ frr: '10.3', 'runtime of spine': 'sid (FRR 10.7.1, GoBGP 4.8.0)' });
    expect(nodesOnOtherRuntimes(versions)).toEqual([['spine', 'sid (FRR 10.7.1, GoBGP 4.8.0)']]);
  });
});
