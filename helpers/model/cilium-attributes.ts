/**
 * The path attributes a CiliumBGPAdvertisement sets on what it advertises (`attributes:`
 * communities and local preference), as Cilium's agent hands them to its GoBGP, read in Cilium's
 * API and documentation (pkg/k8s/apis/cilium.io/v2/bgp_advert_types.go BGPAttributes,
 * BGPCommunities; Documentation/network/bgp-control-plane/bgp-control-plane-v2.rst "Local
 * Preference" and "Overlapping Advertisements": read at the repository's stored commits
 * 049d11f and 003a8c4, the tag v1.18.14 itself could not be fetched here, its snapshot being
 * over the fetch limit):
 * - `standard` communities as AA:NN or one 32-bit decimal, `wellKnown` by name (RFC 1997, 7611,
 *   7999, 8326, 8642, …: `planned-shut` is RFC 8326's GRACEFUL_SHUTDOWN, 65535:0), `large` as
 *   three 32-bit decimals (RFC 8092);
 * - when several advertisements select one Service (Cilium ≥ 1.18), the communities are the
 *   union and the local preference the largest;
 * - local preference goes to iBGP peers only: GoBGP drops LOCAL_PREF towards any other peer
 *   after its export policy (pkg/server/server.go:817-821 at v3.37.0, :646-650 at v4.0.0).
 */

/** Cilium's well-known community names and their values (bgp_advert_types.go BGPWellKnownCommunity). */
export const CILIUM_WELL_KNOWN: Record<string, string> = {
  internet: '0:0',
  'planned-shut': '65535:0',
  'accept-own': '65535:1',
  'route-filter-translated-v4': '65535:2',
  'route-filter-v4': '65535:3',
  'route-filter-translated-v6': '65535:4',
  'route-filter-v6': '65535:5',
  'llgr-stale': '65535:6',
  'no-llgr': '65535:7',
  blackhole: '65535:666',
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'no-export-subconfed': '65535:65283',
  'no-peer': '65535:65284',
};

const U16 = '(?:[0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
const U32 = '(?:0|[1-9][0-9]{0,9})';
export const STANDARD_COMMUNITY = new RegExp(`^(?:${U32}|${U16}:${U16})$`);
export const LARGE_COMMUNITY = new RegExp(`^${U32}:${U32}:${U32}$`);

/** What an advertisement sets, as its YAML says it (schema: ./cilium-crds.ts). */
export interface CiliumAttributes {
  communities?: { standard?: string[]; wellKnown?: string[]; large?: string[] };
  localPreference?: number;
}

/** The attributes of one advertised path, normalised: standard communities as AA:NN, sorted; large as A:B:C, sorted. */
export interface PathAttributes {
  communities: string[];
  large: string[];
  localPreference?: number;
}

export const NO_ATTRIBUTES: PathAttributes = { communities: [], large: [] };

/** A standard community (AA:NN or a 32-bit decimal) as AA:NN. */
export function standardCommunity(s: string): string {
  if (s.includes(':')) {
    const [a, b] = s.split(':').map(Number);
    return `${a}:${b}`;
  }
  const n = Number(s);
  return `${Math.floor(n / 65536)}:${n % 65536}`;
}

const sortCommunities = (xs: Iterable<string>) =>
  [...new Set(xs)].sort((x, y) => {
    const [a, b] = [x.split(':').map(Number), y.split(':').map(Number)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  });

/** One advertisement's attributes, normalised (an absent `attributes` sets none). */
export function pathAttributes(a: CiliumAttributes | undefined): PathAttributes {
  const c = a?.communities;
  return {
    communities: sortCommunities([
      ...(c?.standard ?? []).map(standardCommunity),
      ...(c?.wellKnown ?? []).map((w) => CILIUM_WELL_KNOWN[w]!),
    ]),
    large: sortCommunities((c?.large ?? []).map((l) => l.split(':').map(Number).join(':'))),
    ...(a?.localPreference !== undefined ? { localPreference: a.localPreference } : {}),
  };
}

/** Two advertisements selecting one Service: the union of the communities, the largest local preference. */
export function mergeAttributes(x: PathAttributes, y: PathAttributes): PathAttributes {
  const lp = [x.localPreference, y.localPreference].filter((v): v is number => v !== undefined);
  return {
    communities: sortCommunities([...x.communities, ...y.communities]),
    large: sortCommunities([...x.large, ...y.large]),
    ...(lp.length ? { localPreference: Math.max(...lp) } : {}),
  };
}

/** One entry per prefix, in first-seen order, each with the merge of every entry's attributes for it. */
export function mergeByPrefix<T extends { prefix: string; attributes: PathAttributes }>(xs: T[]): T[] {
  const out = new Map<string, T>();
  for (const x of xs) {
    const seen = out.get(x.prefix);
    out.set(x.prefix, seen ? { ...seen, attributes: mergeAttributes(seen.attributes, x.attributes) } : x);
  }
  return [...out.values()];
}

export const sameAttributes = (x: PathAttributes, y: PathAttributes) => JSON.stringify(x) === JSON.stringify(y);
