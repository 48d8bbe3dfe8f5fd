/**
 * Our files against the upstream schemas (reference data found by schemaDir()): the
 * topology against containerlab's JSON schema, every Cilium manifest against its CRD's
 * openAPIV3Schema. Each is also shown to fail on a broken copy, so the check can fail.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { notVerified } from '../../helpers/report/not-verified.js';
import {
  findSchemas,
  schemaAjv,
  validateManifestsAgainstCrds,
  validateTopologyAgainstSchema,
} from '../../helpers/model/schema-validate.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const found = findSchemas(PROJECT_ROOT);
const dir = found.dir;

// Without the schemas (a host that never ran scripts/fetch-schemas.sh, e.g. offline) the whole
// validation is one "not verified" with the reason, not a cascade of failures.
if (!dir)
  describe('upstream schemas', () => {
    it('validation of the topology and every Cilium manifest against them', (ctx) =>
      notVerified(ctx, `no upstream schemas: ${found.why}`));
  });
else
  describe('upstream schemas', () => {
    it("the topology validates against containerlab's schema", () => {
      expect(validateTopologyAgainstSchema(loadLabModel({ root: PROJECT_ROOT }), dir!)).toEqual([]);
    });

    it('every Cilium manifest validates against its upstream CRD schema', () => {
      const model = loadLabModel({ root: PROJECT_ROOT });
      const r = validateManifestsAgainstCrds(model, dir!);
      expect(r.problems).toEqual([]);
      const kinds = new Set(
        Object.values(model.clusters).flatMap((c) =>
          c.manifests.filter((m) => m.apiVersion.startsWith('cilium.io/')).map((m) => `${m.doc.file}#${m.doc.index}`),
        ),
      );
      expect(r.validated, 'each distinct Cilium document was validated').toBe(kinds.size);
    });

    it('a topology the schema forbids is caught (a restart-policy it does not know)', () => {
      const c = labCopy();
      c.edit(
        'containerlab/anycast.clab.yml',
        '  groups:\n    fabric:\n      kind: linux',
        '  groups:\n    fabric:\n      kind: linux\n      restart-policy: sometimes',
      );
      // Our loader rejects it too (unknown field); the schema check is independent of our loader.
      const raw = { ...loadLabModel({ root: PROJECT_ROOT }) };
      const broken = {
        ...raw,
        topology: {
          ...raw.topology,
          doc: { ...raw.topology.doc, data: parseYaml(c.read('containerlab/anycast.clab.yml')) },
        },
      };
      expect(validateTopologyAgainstSchema(broken, dir!).map((p) => p.field)).toContain(
        'topology.groups.fabric.restart-policy',
      );
    });

    it("a manifest outside the CRD's ranges is caught (holdTimeSeconds below the CRD minimum of 3)", () => {
      const c = labCopy();
      c.edit('fixtures/cilium/bgp-peer-config.yaml', 'holdTimeSeconds: 9', 'holdTimeSeconds: 2');
      // Bypass our own (stricter) loader: validate the raw document against the CRD.
      const model = loadLabModel({ root: PROJECT_ROOT });
      const peer = Object.values(model.clusters)[0]!.manifests.find((m) => m.kind === 'CiliumBGPPeerConfig')!;
      const mutated = {
        ...model,
        clusters: {
          x: {
            ...Object.values(model.clusters)[0]!,
            manifests: [
              {
                ...peer,
                doc: { ...peer.doc, file: 'mutated', data: parseYaml(c.read('fixtures/cilium/bgp-peer-config.yaml')) },
              },
            ],
          },
        },
      };
      const r = validateManifestsAgainstCrds(mutated, dir!);
      expect(r.problems.map((p) => `${p.field}: ${p.message}`)).toContain(
        'spec.timers.holdTimeSeconds: must be >= 3 (upstream schema)',
      );
    });

    /** Every schema of the upstream files: containerlab's, and each CRD version's openAPIV3Schema. */
    const allSchemas = (): object[] => [
      JSON.parse(readFileSync(join(dir!, 'containerlab-clab.schema.json'), 'utf8')) as object,
      ...readdirSync(join(dir!, 'cilium'))
        .filter((f) => f.endsWith('.yaml'))
        .flatMap((f) =>
          parseAllDocuments(readFileSync(join(dir!, 'cilium', f), 'utf8')).map(
            (d) => d.toJS() as { spec?: { versions?: { schema?: { openAPIV3Schema?: object } }[] } },
          ),
        )
        .flatMap((crd) =>
          (crd?.spec?.versions ?? []).flatMap((v) => (v.schema?.openAPIV3Schema ? [v.schema.openAPIV3Schema] : [])),
        ),
    ];

    it('every format the upstream schemas use is registered (an unknown one would be ignored, with a warning per use)', () => {
      const formats = new Set<string>();
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object')
          for (const [k, x] of Object.entries(v)) {
            if (k === 'format' && typeof x === 'string') formats.add(x);
            else walk(x);
          }
      };
      allSchemas().forEach(walk);
      expect(formats.size).toBeGreaterThan(0);
      const known = Object.keys(schemaAjv().formats);
      expect([...formats].filter((f) => !known.includes(f))).toEqual([]);
    });

    it('validation prints nothing (no "unknown format int32 ignored" and the like)', () => {
      const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
      try {
        const model = loadLabModel({ root: PROJECT_ROOT });
        validateTopologyAgainstSchema(model, dir!);
        validateManifestsAgainstCrds(model, dir!);
        for (const s of allSchemas()) schemaAjv().compile(s);
        for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });
  });
