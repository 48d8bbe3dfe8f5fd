/**
 * The files a lab was built from travel with it: `up` records them in the run state (a claim's
 * record), the global setup of a run that reuses the lab reads them back (runLab) and hands
 * them to the workers as JSON, and suites/lab.ts loads exactly that model. Here, a lab built
 * from a topology, fixtures and a hash policy other than the folder's defaults.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { claimRecord } from '../../helpers/lab/claim.js';
import { runLab } from '../../helpers/lab/lab-source.js';
import { advertisedVips } from '../../helpers/model/expected-routes.js';
import { loadLabModel, loadModelFrom, withHashing, type LabModel } from '../../helpers/model/lab-model.js';
import { readState, writeState } from '../../helpers/os/run-state.js';
import { labCopy } from '../support/lab-copy.js';

/** A lab folder whose `up` used containerlab/built.clab.yml, fixtures in fx/ (another VIP pool) and hash policy 0. */
function builtElsewhere(): { root: string; built: LabModel } {
  const copy = labCopy();
  cpSync(join(copy.root, 'containerlab/anycast.clab.yml'), join(copy.root, 'containerlab/built.clab.yml'));
  cpSync(join(copy.root, 'fixtures'), join(copy.root, 'fx'), { recursive: true });
  copy.edit('fx/cilium/lb-ip-pool.yaml', 'start: 172.30.0.10', 'start: 172.30.0.12');
  const files = loadLabModel({ root: copy.root, topologyFile: 'containerlab/built.clab.yml', fixturesDir: 'fx' });
  return { root: copy.root, built: withHashing(files, { policy: 0 }) };
}

/** What a test compares: the lab's name, its files, its VIPs and hash policy. */
const shape = (m: LabModel) => ({
  name: m.name,
  topology: m.topology.path,
  fixturesDir: m.fixturesDir,
  vips: [...advertisedVips(m).keys()],
  hashing: m.hashing,
  sysctls: Object.values(m.routers).map((r) => r.sysctls),
});

let runDir: string;
beforeEach(() => {
  runDir = mkdtempSync(join(tmpdir(), 'anycast-verify-run-'));
  vi.stubEnv('ANYCAST_VERIFY_RUN_DIR', runDir);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(runDir, { recursive: true, force: true });
});

describe('the source of a lab model', () => {
  it('names absolute files and the override, and loads the same model again, also after JSON', () => {
    const { root, built } = builtElsewhere();
    expect(built.source).toEqual({
      root,
      topologyFile: join(root, 'containerlab/built.clab.yml'),
      fixturesDir: join(root, 'fx'),
      intentFile: join(root, 'intent.yaml'),
      hashing: { policy: 0 },
    });
    const again = loadModelFrom(JSON.parse(JSON.stringify(built.source)));
    expect(shape(again)).toEqual(shape(built));
    expect(again.source).toEqual(built.source);
    // What the suites loaded before: the folder's defaults, another VIP and policy.
    expect(shape(loadLabModel({ root }))).not.toEqual(shape(built));
  });
});

describe('a reused lab is read as `up` built it', () => {
  it("from the claim's record, through the global setup, to the worker", () => {
    const { root, built } = builtElsewhere();
    writeState({ ...claimRecord({ name: 'netns', model: built }, true), ready: true });
    expect(readState(built.name)?.model).toEqual(built.source);

    const requested = loadLabModel({ root });
    const { model, note } = runLab(requested, true);
    expect(note).toMatch(
      /^lab "anycast" is reused as `up` built it: topology .*built\.clab\.yml, fixtures .*fx, with its --hash-policy$/,
    );
    // The worker gets the source as JSON (vitest's provide) and loads it (suites/lab.ts).
    const worker = loadModelFrom(structuredClone(JSON.parse(JSON.stringify(model.source))));
    expect(shape(worker)).toEqual(shape(built));
  });

  it('a fresh lab, or one recorded with the same files, is the requested model itself', () => {
    const { root } = builtElsewhere();
    const requested = loadLabModel({ root });
    expect(runLab(requested, false)).toEqual({ model: requested });
    writeState({ ...claimRecord({ name: 'netns', model: requested }, true), ready: true });
    expect(runLab(requested, true)).toEqual({ model: requested });
  });

  it('a lab recorded before sources were kept is read from the requested files, and says so; none up is for attach', () => {
    const { root } = builtElsewhere();
    const requested = loadLabModel({ root });
    expect(runLab(requested, true)).toEqual({ model: requested });
    const { model: _unrecorded, ...old } = claimRecord({ name: 'netns', model: requested }, true);
    writeState({ ...old, ready: true });
    expect(runLab(requested, true)).toEqual({
      model: requested,
      note: expect.stringMatching(/^lab "anycast" has no record of the files it was built from/),
    });
  });
});
