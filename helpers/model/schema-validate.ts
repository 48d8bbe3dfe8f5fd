/**
 * Validation against the upstream schemas, as reference data: the topology against
 * containerlab's JSON schema, and each Cilium manifest against the openAPIV3Schema of its
 * CRD version. The schemas are upstream files, not shipped in this repository:
 * scripts/fetch-schemas.sh downloads them at the pinned versions into the tool's .schemas/.
 * `findSchemas()` finds them (ANYCAST_VERIFY_SCHEMAS, else the lab folder's .schemas/, else
 * the tool's), or says why it could not; without them the validation is "not checked".
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import ipaddr from 'ipaddr.js';
import type { Problem } from './errors.js';
import type { LabModel } from './lab-model.js';

/**
 * Where the upstream schemas are, or why none will do: each place looked in, with what it
 * lacks. ANYCAST_VERIFY_SCHEMAS, when set, is the only place: a folder asked for by name is
 * never silently swapped for another one (other Cilium versions, say).
 */
/** Where scripts/fetch-schemas.sh puts them: the tool's own folder, whichever lab is checked. */
export const TOOL_SCHEMAS = resolve(import.meta.dirname, '..', '..', '.schemas');

export function findSchemas(root: string): { dir: string; why?: undefined } | { dir?: undefined; why: string } {
  const lacks = (d: string): string | undefined => {
    if (!existsSync(d)) return `${d} does not exist`;
    const missing = [
      existsSync(join(d, 'containerlab-clab.schema.json')) ? '' : 'containerlab-clab.schema.json',
      existsSync(join(d, 'cilium')) ? '' : 'cilium/',
    ].filter(Boolean);
    return missing.length ? `${d} has no ${missing.join(' and no ')}` : undefined;
  };
  const asked = process.env.ANYCAST_VERIFY_SCHEMAS;
  if (asked) {
    const why = lacks(asked);
    return why
      ? { why: `ANYCAST_VERIFY_SCHEMAS=${why} (point it at a folder holding them, or unset it)` }
      : { dir: asked };
  }
  // The lab's own copy first (a lab pinned to other versions), then the tool's, so `check -C <anywhere>` finds them.
  const candidates = [...new Set([resolve(root, '.schemas'), TOOL_SCHEMAS])];
  const dir = candidates.find((d) => !lacks(d));
  return dir
    ? { dir }
    : {
        why: `none found: ${candidates.map(lacks).join('; ')} (run scripts/fetch-schemas.sh, or set ANYCAST_VERIFY_SCHEMAS)`,
      };
}

export function schemaDir(root: string): string | undefined {
  return findSchemas(root).dir;
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (a: Ajv) => void;

/**
 * The ajv every upstream schema is compiled with (exported so tests compile them the same
 * way). The schemas use keywords of later drafts and Kubernetes extensions (x-kubernetes-*),
 * hence strict: false. Every format they use is registered: ajv-formats' int32, int64,
 * date-time, ipv4, ..., and Kubernetes' cidr, which a unit test checks over the schemas.
 * A format a newer schema brings would be skipped, as Kubernetes skips formats it does not
 * know; ajv would print "unknown format ... ignored" once per use for it, so that line, and
 * only that one, is dropped from ajv's logger.
 */
export function schemaAjv(): Ajv {
  const logger = {
    log: () => undefined,
    warn: (...args: unknown[]) => {
      if (!/^unknown format /.test(String(args[0]))) console.warn(...args);
    },
    error: (...args: unknown[]) => console.error(...args),
  };
  const a = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger });
  addFormats(a);
  // Kubernetes' own string format for CIDRs (IPv4 or IPv6).
  a.addFormat('cidr', (v: string) => ipaddr.isValidCIDR(v));
  return a;
}

function toProblems(
  file: string,
  errors: ErrorObject[] | null | undefined,
  lineOf?: (path: (string | number)[]) => number | undefined,
): Problem[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath
      .split('/')
      .filter(Boolean)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const extra =
      e.keyword === 'additionalProperties'
        ? ` "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
        : e.keyword === 'enum'
          ? `: ${JSON.stringify((e.params as { allowedValues?: unknown[] }).allowedValues)}`
          : '';
    return {
      file,
      field:
        path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
          .join('')
          .replace(/^\./, '') || '(document)',
      message: `${e.message ?? e.keyword}${extra} (upstream schema)`,
      line: lineOf?.(path),
    };
  });
}

export function validateTopologyAgainstSchema(model: LabModel, dir: string): Problem[] {
  const schema = JSON.parse(readFileSync(join(dir, 'containerlab-clab.schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete schema.$schema;
  const validate = schemaAjv().compile(schema);
  validate(model.topology.doc.data);
  return toProblems(model.topology.file, validate.errors, model.topology.doc.lineOf);
}

/** kind → apiVersion → openAPIV3Schema, from the CRD files in <dir>/cilium. */
function crdSchemas(dir: string): Map<string, Map<string, object>> {
  const out = new Map<string, Map<string, object>>();
  for (const f of readdirSync(join(dir, 'cilium')).filter((x) => x.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, 'cilium', f), 'utf8')) as unknown as {
      toJS(): unknown;
    }[]) {
      const crd = doc.toJS() as {
        kind?: string;
        spec?: {
          group: string;
          names: { kind: string };
          versions: { name: string; schema?: { openAPIV3Schema?: object } }[];
        };
      };
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const byVersion = out.get(crd.spec.names.kind) ?? new Map<string, object>();
      for (const v of crd.spec.versions)
        if (v.schema?.openAPIV3Schema) byVersion.set(`${crd.spec.group}/${v.name}`, v.schema.openAPIV3Schema);
      out.set(crd.spec.names.kind, byVersion);
    }
  }
  return out;
}

/** Every Cilium manifest of every cluster against its CRD's schema; a kind or version the CRDs do not define is a problem. */
export function validateManifestsAgainstCrds(model: LabModel, dir: string): { problems: Problem[]; validated: number } {
  const schemas = crdSchemas(dir);
  const a = schemaAjv();
  const problems: Problem[] = [];
  const seen = new Set<string>();
  let validated = 0;
  for (const c of Object.values(model.clusters)) {
    for (const m of c.manifests) {
      if (!m.apiVersion.startsWith('cilium.io/')) continue;
      const key = `${m.doc.file}#${m.doc.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const schema = schemas.get(m.kind)?.get(m.apiVersion);
      if (!schema) {
        problems.push({
          file: m.doc.file,
          field: 'apiVersion',
          line: m.doc.lineOf(['apiVersion']),
          message: `no upstream CRD schema for ${m.apiVersion} ${m.kind}`,
        });
        continue;
      }
      const validate = a.compile(schema);
      validated++;
      if (!validate(m.doc.data)) problems.push(...toProblems(m.doc.file, validate.errors, m.doc.lineOf));
    }
  }
  return { problems, validated };
}
