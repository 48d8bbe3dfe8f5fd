/** Version strings as the packages print them ("10.3-3+deb13u1", "3.36.0-1", "v1.18.14"). */

/** [major, minor, patch] of the upstream part of a version (Debian revision and epoch dropped). */
export function parseVersion(v: string): [number, number, number] {
  const upstream = v.replace(/^v/, '').replace(/^\d+:/, '').split('-')[0]!.split('+')[0]!;
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(upstream);
  if (!m) throw new Error(`"${v}" is not a version number`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** Compares the first `parts` components (1 = major, 2 = major.minor, 3 = all). */
export function compareVersions(a: string, b: string, parts = 3): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < parts; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** The upstream version only ("10.3-3+deb13u1" → "10.3"). */
export function upstreamVersion(v: string): string {
  return v.replace(/^\d+:/, '').split('-')[0]!.split('+')[0]!;
}
