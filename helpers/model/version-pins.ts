/**
 * The real lab's version pins, from versions.env (one KEY=value per line, Renovate
 * comments above). An environment variable of the same name overrides a pin, which is how
 * the nightly workflow's matrix and workflow_dispatch inputs pick versions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** anycast-verify's own versions.env: the pins for a lab folder that carries none. */
const OWN_VERSIONS = resolve(import.meta.dirname, '../../versions.env');

/** The lab folder's versions.env if it has one, else anycast-verify's own. */
export function versionsFile(root: string): string {
  const f = join(root, 'versions.env');
  return existsSync(f) ? f : OWN_VERSIONS;
}

export const VERSION_KEYS = [
  'FRR_VERSION',
  'CILIUM_VERSION',
  'K8S_VERSION',
  'MINIKUBE_VERSION',
  'CONTAINERLAB_VERSION',
  'HELM_VERSION',
] as const;
export type VersionKey = (typeof VERSION_KEYS)[number];
export type Versions = Record<VersionKey, string>;

export function parseVersionsEnv(text: string, file = 'versions.env'): Versions {
  const out: Partial<Versions> = {};
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^([A-Z0-9_]+)=(\S+)$/.exec(t);
    if (!m) throw new Error(`${file}:${i + 1}: expected KEY=value, got "${t}"`);
    if (!(VERSION_KEYS as readonly string[]).includes(m[1]!))
      throw new Error(`${file}:${i + 1}: unknown pin ${m[1]} (known: ${VERSION_KEYS.join(', ')})`);
    out[m[1] as VersionKey] = m[2]!;
  });
  const missing = VERSION_KEYS.filter((k) => !out[k]);
  if (missing.length) throw new Error(`${file}: missing pins ${missing.join(', ')}`);
  return out as Versions;
}

export function loadVersions(root: string, env: NodeJS.ProcessEnv = process.env): Versions {
  const file = versionsFile(root);
  const v = parseVersionsEnv(readFileSync(file, 'utf8'), file);
  for (const k of VERSION_KEYS) if (env[k]) v[k] = env[k]!;
  return v;
}
