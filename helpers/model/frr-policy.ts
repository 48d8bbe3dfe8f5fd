/**
 * The routing-policy objects of an frr.conf, as FRR reads them: prefix-lists, standard
 * community-lists, AS-path access-lists and route-maps with the match and set clauses whose
 * effect the derived expectations follow (policy-eval.ts). Any other clause is accepted with a
 * "not derived" note (frr-statement.ts): FRR runs it, and intent.yaml and the live lab judge it.
 * Read at FRRouting/frr frr-10.3 and frr-10.5.1 (both tags): lib/plist.c, lib/routemap.c,
 * bgpd/bgp_routemap.c, bgpd/bgp_clist.c, bgpd/bgp_filter.c.
 */
import { parseCidr } from './ipv4.js';
import { intIn, invalid, notDerived, type Statement, type StatementSink } from './frr-statement.js';

export type Action = 'permit' | 'deny';

export interface PrefixListEntry {
  seq: number;
  action: Action;
  /** The prefix in CIDR form; `any` is 0.0.0.0/0 le 32. */
  prefix: string;
  ge?: number;
  le?: number;
  line: number;
}

export interface CommunityListEntry {
  seq: number;
  action: Action;
  /** Standard: every community listed must be on the route. Expanded (a regex) is not derived. */
  communities?: string[];
  line: number;
}

export interface AsPathEntry {
  seq: number;
  action: Action;
  regex: string;
  line: number;
}

export type RouteMapMatch =
  | { kind: 'prefix-list'; list: string }
  | { kind: 'community'; list: string; exact: boolean }
  | { kind: 'as-path'; list: string };

export type RouteMapSet =
  | { kind: 'as-path-prepend'; asns: number[] }
  | { kind: 'local-preference' | 'metric'; op: '=' | '+' | '-'; value: number }
  | { kind: 'community'; communities: string[]; additive: boolean };

export interface RouteMapEntry {
  action: Action;
  seq: number;
  matches: RouteMapMatch[];
  sets: RouteMapSet[];
  line: number;
  /** A clause of this entry is outside the derived subset (its note names it): the map's result is not derived. */
  notDerived?: boolean;
}

export interface FrrPolicy {
  prefixLists: Record<string, PrefixListEntry[]>;
  communityLists: Record<string, CommunityListEntry[]>;
  asPathLists: Record<string, AsPathEntry[]>;
  routeMaps: Record<string, RouteMapEntry[]>;
}

export const emptyPolicy = (): FrrPolicy => ({ prefixLists: {}, communityLists: {}, asPathLists: {}, routeMaps: {} });

/** RFC 1997, RFC 7999, RFC 8326 and the others FRR names (lib/community.h at the tags). */
export const WELL_KNOWN_COMMUNITIES: Record<string, string> = {
  'graceful-shutdown': '65535:0',
  'accept-own': '65535:1',
  'llgr-stale': '65535:6',
  'no-llgr': '65535:7',
  blackhole: '65535:666',
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'local-AS': '65535:65283',
  'no-peer': '65535:65284',
};

/** One community in FRR's AA:NN form, or undefined when it is no standard community. */
export function parseCommunity(s: string): string | undefined {
  if (WELL_KNOWN_COMMUNITIES[s]) return WELL_KNOWN_COMMUNITIES[s];
  const m = /^(\d+):(\d+)$/.exec(s);
  return m && Number(m[1]) <= 65535 && Number(m[2]) <= 65535 ? `${Number(m[1])}:${Number(m[2])}` : undefined;
}

/** The next automatic sequence number, as FRR picks it: the highest so far rounded down to 5, plus 5. */
const nextSeq = (entries: { seq: number }[]) => Math.floor(Math.max(0, ...entries.map((e) => e.seq)) / 5) * 5 + 5;

/** `[seq N] permit|deny REST…` from index `i` of the words: the sequence, the action and the rest. */
function seqAndAction(w: string[], i: number, entries: { seq: number }[]) {
  const explicit = w[i] === 'seq' ? intIn(w[i + 1], 0, 4294967295) : undefined;
  const at = w[i] === 'seq' ? i + 2 : i;
  const action = w[at] === 'permit' || w[at] === 'deny' ? (w[at] as Action) : undefined;
  return { seq: explicit ?? nextSeq(entries), action, rest: w.slice(at + 1) };
}

const bySeq = <T extends { seq: number }>(list: T[], e: T) => {
  list.push(e);
  list.sort((a, b) => a.seq - b.seq);
};

/** `ip prefix-list NAME [seq N] permit|deny PREFIX|any [ge N] [le N]` (and its `description`). */
export function prefixListStatement(sink: StatementSink, policy: FrrPolicy, s: Statement): void {
  const name = s.w[2];
  if (!name) return invalid(sink, s, 'expected ip prefix-list NAME [seq N] permit|deny PREFIX');
  const list = (policy.prefixLists[name] ??= []);
  if (s.w[3] === 'description') return;
  const { seq, action, rest } = seqAndAction(s.w, 3, list);
  const [prefix, ...bounds] = rest;
  let cidr: string | undefined;
  try {
    cidr = prefix === 'any' ? '0.0.0.0/0' : prefix && prefix.includes('/') ? prefix : undefined;
    if (cidr) parseCidr(cidr);
  } catch {
    cidr = undefined;
  }
  if (!action || !cidr) return invalid(sink, s, 'expected permit|deny A.B.C.D/M [ge N] [le N] (or any)');
  const entry: PrefixListEntry = { seq, action, prefix: cidr, line: s.line, ...(prefix === 'any' ? { le: 32 } : {}) };
  for (let i = 0; i < bounds.length; i += 2) {
    const n = intIn(bounds[i + 1], 0, 32);
    if ((bounds[i] !== 'ge' && bounds[i] !== 'le') || n === undefined)
      return invalid(sink, s, `expected ge N or le N (0 to 32) after the prefix, got "${bounds.slice(i).join(' ')}"`);
    entry[bounds[i] as 'ge' | 'le'] = n;
  }
  bySeq(list, entry);
}

/** `bgp community-list [standard|expanded] NAME|N [seq N] permit|deny …`; `bgp as-path access-list NAME [seq N] permit|deny REGEX`. */
export function bgpListStatement(sink: StatementSink, policy: FrrPolicy, s: Statement): boolean {
  const { w } = s;
  if (w[1] === 'as-path' && w[2] === 'access-list' && w[3]) {
    const list = (policy.asPathLists[w[3]] ??= []);
    const { seq, action, rest } = seqAndAction(w, 4, list);
    if (!action || rest.length === 0) invalid(sink, s, 'expected [seq N] permit|deny REGEX');
    else bySeq(list, { seq, action, regex: rest.join(' '), line: s.line });
    return true;
  }
  if (w[1] !== 'community-list') return false;
  const typed = w[2] === 'standard' || w[2] === 'expanded';
  const name = typed ? w[3] : w[2];
  const number = intIn(name, 1, 500);
  const expanded = w[2] === 'expanded' || (!typed && number !== undefined && number >= 100);
  if (!name) return (invalid(sink, s, 'expected bgp community-list [standard|expanded] NAME'), true);
  const list = (policy.communityLists[name] ??= []);
  const { seq, action, rest } = seqAndAction(w, typed ? 4 : 3, list);
  const communities = rest.map(parseCommunity);
  if (!action || rest.length === 0) invalid(sink, s, 'expected [seq N] permit|deny COMMUNITY…');
  else if (expanded) {
    bySeq(list, { seq, action, line: s.line });
    notDerived(sink, s, 'an expanded community-list matches by regular expression');
  } else if (communities.some((c) => c === undefined))
    invalid(sink, s, `expected communities AA:NN or well-known names, got "${rest.join(' ')}"`);
  else bySeq(list, { seq, action, communities: communities as string[], line: s.line });
  return true;
}

/** `route-map NAME permit|deny SEQ`: opens an entry; its clauses follow (routeMapStatement). */
export function openRouteMap(sink: StatementSink, policy: FrrPolicy, s: Statement): RouteMapEntry | undefined {
  const [, name, action, seqText] = s.w;
  const seq = intIn(seqText, 1, 65535);
  if (!name || (action !== 'permit' && action !== 'deny') || seq === undefined) {
    invalid(sink, s, 'expected route-map NAME permit|deny SEQ (1 to 65535)');
    return undefined;
  }
  const list = (policy.routeMaps[name] ??= []);
  const existing = list.find((e) => e.seq === seq);
  if (existing) return existing;
  const entry: RouteMapEntry = { action, seq, matches: [], sets: [], line: s.line };
  bySeq(list, entry);
  return entry;
}
