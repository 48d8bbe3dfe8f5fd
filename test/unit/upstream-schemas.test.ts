/**
 * Our files against the upstream schemas (reference data found by schemaDir()): the
 * topology against containerlab's JSON schema, every Cilium manifest against its CRD's
 * openAPIV3Schema. Each is also shown to fail on a broken copy, so the check can fail.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { schemaDir, validateManifestsAgainstCrds, validateTopologyAgainstSchema } from '../../helpers/model/schema-validate.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const dir = schemaDir(PROJECT_ROOT);

describe('upstream schemas', () => {
  it('are available (ANYCAST_VERIFY_SCHEMAS, ../shared/schemas, or `bash scripts/fetch-schemas.sh`)', () => {
    expect(dir, 'no upstream schemas found: run `bash scripts/fetch-schemas.sh` (needs internet) or set ANYCAST_VERIFY_SCHEMAS').toBeDefined();
  });

  it('the topology validates against containerlab\'s schema', () => {
    expect(validateTopologyAgainstSchema(loadLabModel({ root: PROJECT_ROOT }), dir!)).toEqual([]);
  });

  it('every Cilium manifest validates against its upstream CRD schema', () => {
    const model = loadLabModel({ root: PROJECT_ROOT });
    const r = validateManifestsAgainstCrds(model, dir!);
    expect(r.problems).toEqual([]);
    const kinds = new Set(Object.values(model.clusters).flatMap((c) => c.manifests.filter((m) => m.apiVersion.startsWith('cilium.io/')).map((m) => `${m.doc.file}#${m.doc.index}`)));
    expect(r.validated, 'each distinct Cilium document was validated').toBe(kinds.size);
  });

  it('a topology the schema forbids is caught (a restart-policy it does not know)', () => {
    const c = labCopy();
    c.edit('containerlab/anycast.clab.yml', '  groups:\n    fabric:\n      kind: linux', '  groups:\n    fabric:\n      kind: linux\n      restart-policy: sometimes');
    // Our loader rejects it too (unknown field); the schema check is independent of our loader.
    const raw = { ...loadLabModel({ root: PROJECT_ROOT }) };
    const broken = { ...raw, topology: { ...raw.topology, doc: { ...raw.topology.doc, data: parseYaml(c.read('containerlab/anycast.clab.yml')) } } };
    expect(validateTopologyAgainstSchema(broken, dir!).map((p) => p.field)).toContain('topology.groups.fabric.restart-policy');
  });

  it('a manifest outside the CRD\'s ranges is caught (holdTimeSeconds below the CRD minimum of 3)', () => {
    const c = labCopy();
    c.edit('fixtures/cilium/bgp-peer-config.yaml', 'holdTimeSeconds: 9', 'holdTimeSeconds: 2');
    // Bypass our own (stricter) loader: validate the raw document against the CRD.
    const model = loadLabModel({ root: PROJECT_ROOT });
    const peer = Object.values(model.clusters)[0]!.manifests.find((m) => m.kind === 'CiliumBGPPeerConfig')!;
    const mutated = { ...model, clusters: { x: { ...Object.values(model.clusters)[0]!, manifests: [{ ...peer, doc: { ...peer.doc, file: 'mutated', data: parseYaml(c.read('fixtures/cilium/bgp-peer-config.yaml')) } }] } } };
    const r = validateManifestsAgainstCrds(mutated, dir!);
    expect(r.problems.map((p) => `${p.field}: ${p.message}`)).toContain('spec.timers.holdTimeSeconds: must be >= 3 (upstream schema)');
  });
});
