/**
 * The real lab's version pins, from versions.env (one KEY=value per line, Renovate
 * comments above). An environment variable of the same name overrides a pin, which is how
 * the nightly workflow's matrix and workflow_dispatch inputs pick versions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VERSION_KEYS = ['FRR_VERSION', 'CILIUM_VERSION', 'K8S_VERSION', 'MINIKUBE_VERSION', 'CONTAINERLAB_VERSION', 'HELM_VERSION'] as const;
export type VersionKey = (typeof VERSION_KEYS)[number];
export type Versions = Record<VersionKey, string>;

export function parseVersionsEnv(text: string, file = 'versions.env'): Versions {
  const out: Partial<Versions> = {};
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^([A-Z0-9_]+)=(\S+)$/.exec(t);
    if (!m) throw new Error(`${file}:${i + 1}: expected KEY=value, got "${t}"`);
    if (!(VERSION_KEYS as readonly string[]).includes(m[1]!)) throw new Error(`${file}:${i + 1}: unknown pin ${m[1]} (known: ${VERSION_KEYS.join(', ')})`);
    out[m[1] as VersionKey] = m[2]!;
  });
  const missing = VERSION_KEYS.filter((k) => !out[k]);
  if (missing.length) throw new Error(`${file}: missing pins ${missing.join(', ')}`);
  return out as Versions;
}

export function loadVersions(root: string, env: NodeJS.ProcessEnv = process.env): Versions {
  const v = parseVersionsEnv(readFileSync(join(root, 'versions.env'), 'utf8'));
  for (const k of VERSION_KEYS) if (env[k]) v[k] = env[k]!;
  return v;
}
