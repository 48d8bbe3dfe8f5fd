/**
 * The clauses of one route-map entry (the indented statements under `route-map NAME permit|deny
 * SEQ`): the match and set clauses the derived expectations follow, each read as FRR's
 * bgpd/bgp_routemap.c defines it at frr-10.3 and frr-10.5.1. Every other clause is valid FRR and
 * accepted with a "not derived" note; a match clause outside the subset is taken as matching
 * (the note says so), a set clause outside it as changing nothing derived.
 */
import { parseCommunity, type RouteMapEntry, type RouteMapSet } from './frr-policy.js';
import { intIn, invalid, notDerived, type Statement, type StatementSink } from './frr-statement.js';

/** One clause of a route-map entry. */
export function routeMapClause(sink: StatementSink, entry: RouteMapEntry, s: Statement): void {
  const [verb] = s.w;
  if (verb === 'description') return;
  if (verb === 'match') return matchClause(sink, entry, s);
  if (verb === 'set') return setClause(sink, entry, s);
  // call, on-match next|goto, continue: the route-map's flow leaves this entry.
  entry.notDerived = true;
  notDerived(sink, s, 'the route-map continues elsewhere; its outcome is taken from this entry alone');
}

function matchClause(sink: StatementSink, entry: RouteMapEntry, s: Statement): void {
  const w = s.w.slice(1);
  if (w[0] === 'ip' && w[1] === 'address' && w[2] === 'prefix-list' && w[3] && w.length === 4)
    entry.matches.push({ kind: 'prefix-list', list: w[3] });
  else if (w[0] === 'community' && w[1] && (w.length === 2 || (w.length === 3 && w[2] === 'exact-match')))
    entry.matches.push({ kind: 'community', list: w[1], exact: w[2] === 'exact-match' });
  else if (w[0] === 'as-path' && w[1] && w.length === 2) entry.matches.push({ kind: 'as-path', list: w[1] });
  else {
    entry.notDerived = true;
    notDerived(sink, s, 'a match clause outside the derived subset; the derived expectations take it as matching');
  }
}

function setClause(sink: StatementSink, entry: RouteMapEntry, s: Statement): void {
  const set = parseSet(s.w.slice(1));
  if (set === 'invalid') invalid(sink, s, 'expected a value after the set clause');
  else if (set) entry.sets.push(set);
  else notDerived(sink, s, 'a set clause outside the derived subset; the derived attributes leave it out');
}

/** The set clauses derived: as-path prepend ASN…, local-preference and metric (N, +N, -N), community … [additive] | none. */
function parseSet(w: string[]): RouteMapSet | 'invalid' | undefined {
  if (w[0] === 'as-path' && w[1] === 'prepend') {
    if (w[2] === 'last-as') return undefined;
    const asns = w.slice(2).map((a) => intIn(a, 1, 4294967295));
    if (asns.length === 0) return 'invalid';
    return asns.every((a) => a !== undefined) ? { kind: 'as-path-prepend', asns: asns as number[] } : undefined;
  }
  if (w[0] === 'local-preference' || w[0] === 'metric') {
    if (!w[1]) return 'invalid';
    const m = /^([+-]?)(\d+)$/.exec(w[1]);
    if (!m || w.length > 2) return undefined;
    return { kind: w[0], op: (m[1] || '=') as '=' | '+' | '-', value: Number(m[2]) };
  }
  if (w[0] === 'community') {
    if (!w[1]) return 'invalid';
    if (w[1] === 'none' && w.length === 2) return { kind: 'community', communities: [], additive: false };
    const additive = w[w.length - 1] === 'additive';
    const list = (additive ? w.slice(1, -1) : w.slice(1)).map(parseCommunity);
    if (list.length === 0 || list.some((c) => c === undefined)) return undefined;
    return { kind: 'community', communities: list as string[], additive };
  }
  return undefined;
}
