/**
 * `neighbor …` statements, under `router bgp` and in its IPv4 unicast address family, for a
 * neighbour address or a peer-group, and what a peer-group's members inherit from it. The
 * session facts (remote-as, password, passive, timers, local-as, BFD) and the IPv4 unicast
 * policy (route-map, prefix-list and filter-list in/out, allowas-in, activate) are read; the
 * statements that change nothing derived pass; every other valid one gets a "not derived"
 * note. Read at FRRouting/frr frr-10.3 and frr-10.5.1: bgpd/bgp_vty.c, bgpd/bgp_bfd.c.
 */
import type { FrrBgp, FrrNeighbor, NeighborRef } from './frr-config.js';
import { intIn, invalid, notDerived, type Statement, type StatementSink } from './frr-statement.js';

/** Neighbour statements that change nothing the suites derive. */
const NEUTRAL = new Set([
  'description',
  'capability',
  'soft-reconfiguration',
  'send-community',
  'advertisement-interval',
  'next-hop-self',
  'default-originate',
  'addpath-tx-all-paths',
  'enforce-first-as',
  'dont-capability-negotiate',
  'override-capability',
  'strict-capability-match',
  'update-source',
  'ebgp-multihop',
  'ttl-security',
]);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The neighbour or peer-group a statement names, created on its first statement; undefined when it names neither. */
function target(sink: StatementSink, bgp: FrrBgp, s: Statement): FrrNeighbor | undefined {
  const name = s.w[1]!;
  if (IPV4.test(name)) return (bgp.neighbors[name] ??= { address: name, passive: false, ipv4: {}, line: s.line });
  if (s.w[2] === 'peer-group' && s.w.length === 3) {
    bgp.peerGroups[name] ??= { address: name, passive: false, ipv4: {}, line: s.line, isGroup: true };
    return undefined;
  }
  if (bgp.peerGroups[name]) return bgp.peerGroups[name];
  if (s.w[2] === 'interface')
    invalid(
      sink,
      s,
      'unnumbered neighbours are not supported by anycast-verify (each neighbour is checked against the topology by address)',
    );
  else invalid(sink, s, `${name} is no IPv4 address and no peer-group ("neighbor ${name} peer-group" comes first)`);
  return undefined;
}

/** `neighbor X …` under `router bgp` (IPv4 unicast statements written there apply to IPv4 unicast, as in FRR). */
export function neighborStatement(sink: StatementSink, bgp: FrrBgp, s: Statement): void {
  const n = target(sink, bgp, s);
  if (!n) return;
  const rest = s.w.slice(2);
  if (sessionStatement(sink, bgp, n, s, rest)) return;
  addressFamilyNeighbor(sink, n, s, rest);
}

/** What the session negotiates: remote-as, password, passive, timers, peer-group, local-as, BFD. */
function sessionStatement(sink: StatementSink, bgp: FrrBgp, n: FrrNeighbor, s: Statement, rest: string[]): boolean {
  const [verb, a] = rest;
  if (verb === 'remote-as') {
    const asn = intIn(a, 1, 4294967295);
    if (a === 'external' || a === 'internal') Object.assign(n, { remoteAsKind: a, remoteAsLine: s.line });
    else if (asn === undefined) invalid(sink, s, 'expected remote-as ASN (1 to 4294967295), external or internal');
    else Object.assign(n, { remoteAs: asn, remoteAsLine: s.line });
  } else if (verb === 'password' && a) Object.assign(n, { password: rest.slice(1).join(' '), passwordLine: s.line });
  else if (verb === 'passive') n.passive = true;
  else if (verb === 'description') n.description = rest.slice(1).join(' ');
  else if (verb === 'timers' && a === 'connect') return true;
  else if (verb === 'timers' && intIn(a, 0, 65535) !== undefined && intIn(rest[2], 0, 65535) !== undefined)
    Object.assign(n, { timers: { keepalive: Number(a), hold: Number(rest[2]) }, timersLine: s.line });
  else if (verb === 'peer-group' && a) {
    if (n.isGroup) invalid(sink, s, 'a peer-group cannot be a member of another');
    else if (!bgp.peerGroups[a]) invalid(sink, s, `no peer-group ${a} ("neighbor ${a} peer-group" comes first)`);
    else Object.assign(n, { peerGroup: a, peerGroupLine: s.line });
  } else if (verb === 'local-as') localAs(sink, n, s, rest);
  else if (verb === 'bfd') n.bfd = { line: s.line, strict: rest[1] === 'strict' };
  else if (verb === 'graceful-shutdown') n.gracefulShutdown = true;
  else return false;
  return true;
}

/** `neighbor X local-as N [no-prepend [replace-as [dual-as]]]`. */
function localAs(sink: StatementSink, n: FrrNeighbor, s: Statement, rest: string[]): void {
  const asn = intIn(rest[1], 1, 4294967295);
  if (asn === undefined) return invalid(sink, s, 'expected local-as ASN [no-prepend [replace-as [dual-as]]]');
  const flags = rest.slice(2);
  n.localAs = {
    asn,
    noPrepend: flags.includes('no-prepend'),
    replaceAs: flags.includes('replace-as'),
    dualAs: flags.includes('dual-as'),
    line: s.line,
  };
}

/** A neighbour statement of the IPv4 unicast address family (or written under `router bgp`). */
export function addressFamilyNeighbor(sink: StatementSink, n: FrrNeighbor, s: Statement, rest: string[]): void {
  const [verb, a, dir] = rest;
  const ref = (name: string): NeighborRef => ({ name, line: s.line });
  const io = dir === 'in' ? 'In' : dir === 'out' ? 'Out' : undefined;
  if (verb === 'activate') n.ipv4.activated = true;
  else if ((verb === 'route-map' || verb === 'prefix-list' || verb === 'filter-list') && a && io) {
    const key =
      `${verb === 'route-map' ? 'routeMap' : verb === 'prefix-list' ? 'prefixList' : 'filterList'}${io}` as const;
    n.ipv4[key] = ref(a);
  } else if (verb === 'distribute-list' && a && io) {
    n.ipv4[`distributeList${io}`] = ref(a);
    notDerived(sink, s, 'an access-list filter');
  } else if (verb === 'allowas-in') {
    const count = a === undefined ? 3 : a === 'origin' ? 'origin' : intIn(a, 1, 10);
    if (count === undefined) invalid(sink, s, 'expected allowas-in [1-10|origin]');
    else n.ipv4.allowasIn = count;
  } else if (verb && !NEUTRAL.has(verb)) notDerived(sink, s);
}

/** `no neighbor X activate` (and other `no neighbor` statements: only activate changes what is derived). */
export function noNeighborStatement(sink: StatementSink, bgp: FrrBgp, s: Statement): void {
  const name = s.w[2];
  const n = name ? (bgp.neighbors[name] ?? bgp.peerGroups[name]) : undefined;
  if (s.w[3] === 'activate' && n) n.ipv4.activated = false;
  else if (s.w[3] !== 'send-community' || !n) notDerived(sink, s);
  else n.noSendCommunity = true;
}

/** Every member's settings, with what it does not set itself taken from its peer-group (FRR's inheritance). */
export function inheritFromPeerGroups(bgp: FrrBgp): void {
  for (const n of Object.values(bgp.neighbors)) {
    const g = n.peerGroup ? bgp.peerGroups[n.peerGroup] : undefined;
    if (!g) continue;
    if (n.remoteAs === undefined && n.remoteAsKind === undefined)
      Object.assign(n, { remoteAs: g.remoteAs, remoteAsKind: g.remoteAsKind });
    n.remoteAsLine ??= g.remoteAsLine;
    n.password ??= g.password;
    n.passwordLine ??= g.passwordLine;
    n.passive ||= g.passive;
    n.description ??= g.description;
    n.timers ??= g.timers;
    n.timersLine ??= g.timersLine;
    n.localAs ??= g.localAs;
    n.bfd ??= g.bfd;
    n.gracefulShutdown ??= g.gracefulShutdown;
    n.noSendCommunity ??= g.noSendCommunity;
    n.ipv4 = { ...g.ipv4, ...n.ipv4 };
  }
}
