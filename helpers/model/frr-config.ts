/**
 * Reads the parts of an FRR integrated config (frr.conf) that the lab model needs:
 * interface addresses, the BGP instance, its neighbours and peer-groups (frr-neighbors.ts),
 * its routing policy (frr-policy.ts, frr-route-map.ts) and the knobs the suites check.
 * FRR itself runs the file (in both providers); `vtysh --dryrun` (see checks) is what proves
 * it parses. A statement that changes which sessions come up or which paths win, and whose
 * effect the derived expectations do not follow, is accepted with a "not derived" note
 * (`notes`), never silently: intent.yaml and the live lab judge it. Defaults are FRR's at
 * frr-10.3 and frr-10.5.1 (bgpd/bgp_vty.c, bgpd/bgp_vty.h: FRR_CFG_DEFAULT_*).
 */
import { readTextFile, type Problem, type ProblemList } from './errors.js';
import { bgpListStatement, emptyPolicy, openRouteMap, prefixListStatement } from './frr-policy.js';
import type { FrrPolicy, RouteMapEntry } from './frr-policy.js';
import { routeMapClause } from './frr-route-map.js';
import {
  addressFamilyNeighbor,
  inheritFromPeerGroups,
  neighborStatement,
  noNeighborStatement,
} from './frr-neighbors.js';
import { intIn, invalid, notDerived, type Statement, type StatementSink } from './frr-statement.js';

/** A route-map, prefix-list or filter-list a neighbour names, and the line that names it. */
export interface NeighborRef {
  name: string;
  line: number;
}

/** A neighbour's IPv4 unicast settings (its address family's statements, or the same written under router bgp). */
export interface NeighborIpv4 {
  /** `neighbor X activate` (true) or `no neighbor X activate` (false); unset: `bgp default ipv4-unicast` decides. */
  activated?: boolean;
  routeMapIn?: NeighborRef;
  routeMapOut?: NeighborRef;
  prefixListIn?: NeighborRef;
  prefixListOut?: NeighborRef;
  filterListIn?: NeighborRef;
  filterListOut?: NeighborRef;
  distributeListIn?: NeighborRef;
  distributeListOut?: NeighborRef;
  /** `allowas-in [N|origin]`: how often this router's own AS may be in a path it accepts (3 without N). */
  allowasIn?: number | 'origin';
}

export interface FrrNeighbor {
  /** The neighbour's address (a peer-group's name, for a peer-group). */
  address: string;
  /** A peer-group (`neighbor NAME peer-group`), not a neighbour. */
  isGroup?: boolean;
  /** `neighbor X peer-group PG`: what X does not set, it inherits from PG (inheritFromPeerGroups). */
  peerGroup?: string;
  peerGroupLine?: number;
  remoteAs?: number;
  /** `neighbor X remote-as external|internal`: any AS but this router's, or this router's. */
  remoteAsKind?: 'external' | 'internal';
  /** The line of `neighbor X remote-as` (`line` is the neighbour's first statement). */
  remoteAsLine?: number;
  password?: string;
  /** The line of `neighbor X password` (`line` is the neighbour's first statement). */
  passwordLine?: number;
  passive: boolean;
  description?: string;
  /** `neighbor X timers <keepalive> <hold>` */
  timers?: { keepalive: number; hold: number };
  timersLine?: number;
  /** `neighbor X local-as N [no-prepend [replace-as [dual-as]]]`: the AS this router is towards X. */
  localAs?: { asn: number; noPrepend: boolean; replaceAs: boolean; dualAs: boolean; line: number };
  /** `neighbor X bfd [strict]`: BFD for the session (bfdd must run). */
  bfd?: { line: number; strict: boolean };
  /** `neighbor X graceful-shutdown`: paths from X get GRACEFUL_SHUTDOWN and local preference 0. */
  gracefulShutdown?: boolean;
  /** `no neighbor X send-community`: no standard communities sent to X. */
  noSendCommunity?: boolean;
  ipv4: NeighborIpv4;
  line: number;
}

export interface FrrBgp {
  asn: number;
  routerId?: string;
  /** `timers bgp <keepalive> <hold>`; FRR's defaults are 60/180 (traditional) or 3/9 (datacenter). */
  timers: { keepalive: number; hold: number };
  /** The line of `timers bgp`; none when FRR's defaults apply. */
  timersLine?: number;
  multipathRelax: boolean;
  /** `maximum-paths N` under address-family ipv4 unicast (FRR's default is its compile-time MULTIPATH_NUM). */
  maximumPaths?: number;
  gracefulRestart: 'helper' | 'restart' | 'disable';
  /** `bgp ebgp-requires-policy`: on by default, off under `frr defaults datacenter` (BGP_EBGP_REQUIRES_POLICY). */
  ebgpRequiresPolicy: boolean;
  /** The line that set it (none: the profile's default). */
  ebgpRequiresPolicyLine?: number;
  /** `bgp graceful-shutdown` (RFC 8326). */
  gracefulShutdown: boolean;
  /** `bgp default local-preference N` (100). */
  defaultLocalPref: number;
  /** `bgp always-compare-med`. */
  alwaysCompareMed: boolean;
  /** `no bgp default ipv4-unicast`: neighbours exchange IPv4 routes only once activated. */
  defaultIpv4Unicast: boolean;
  neighbors: Record<string, FrrNeighbor>;
  /** `neighbor NAME peer-group` */
  peerGroups: Record<string, FrrNeighbor>;
  networks: string[];
  line: number;
}

export interface FrrConfig {
  file: string;
  hostname?: string;
  /** `frr defaults traditional|datacenter` (else the daemons file's frr_profile, else traditional, as Debian builds FRR). */
  profile: 'traditional' | 'datacenter';
  /** The line of `frr defaults` (none: the profile comes from elsewhere). */
  profileLine?: number;
  /** Interface name → IPv4 addresses in CIDR form. */
  interfaces: Record<string, { addresses: string[]; line: number }>;
  bgp?: FrrBgp;
  policy: FrrPolicy;
  /** `bgp route-map delay-timer <s>`: how long bgpd waits before it applies a changed route-map (default 5 s). */
  routeMapDelaySeconds?: number;
  /** Valid statements whose effect the derived expectations do not follow: accepted, and said. */
  notes: Problem[];
}

/** FRR's timer defaults for `frr defaults traditional`. */
export const FRR_DEFAULT_TIMERS = { keepalive: 60, hold: 180 } as const;
/** FRR's timer defaults for `frr defaults datacenter` (bgpd/bgp_vty.h BGP_KEEPALIVE, BGP_HOLDTIME). */
export const FRR_DATACENTER_TIMERS = { keepalive: 3, hold: 9 } as const;

export function parseFrrConfig(file: string, shownAs: string, problems: ProblemList): FrrConfig | undefined {
  const text = readTextFile(file, shownAs, problems);
  if (text === undefined) return undefined;
  return parseFrrConfigText(text, shownAs, problems);
}

/** The facts the model needs from one frr.conf's text, statement by statement; what is invalid goes to `problems`. */
export function parseFrrConfigText(text: string, file: string, problems: ProblemList): FrrConfig {
  const cfg: FrrConfig = { file, profile: 'traditional', interfaces: {}, policy: emptyPolicy(), notes: [] };
  const state: ParseState = { file, problems, notes: cfg.notes, cfg, block: 'none' };
  text.split('\n').forEach((raw, i) => {
    const s = raw.replace(/\s+$/, '');
    const t = s.trim();
    if (t === '' || t.startsWith('!')) return;
    const statement: Statement = { line: i + 1, t, w: t.split(/\s+/) };
    if (!/^\s/.test(s)) topLevelStatement(state, statement);
    else if (state.block === 'interface' && state.iface) interfaceStatement(state, statement, state.iface);
    else if (state.block === 'route-map' && state.routeMap) {
      if (t === 'exit') state.block = 'none';
      else routeMapClause(state, state.routeMap, statement);
    } else if ((state.block === 'bgp' || state.block === 'bgp-af') && state.cfg.bgp)
      bgpStatement(state, statement, state.cfg.bgp);
  });
  if (cfg.bgp) inheritFromPeerGroups(cfg.bgp);
  return cfg;
}

/** The reader's place in the file: the config so far, and the block an indented statement belongs to. */
interface ParseState extends StatementSink {
  cfg: FrrConfig;
  block: 'none' | 'interface' | 'bgp' | 'bgp-af' | 'route-map' | 'other';
  /** The interface block's interface. */
  iface?: string;
  /** The address family of a `bgp-af` block ("ipv4 unicast"). */
  af?: string;
  /** The route-map entry a `route-map` block adds clauses to. */
  routeMap?: RouteMapEntry;
}

/** An unindented statement: opens a block (interface, router bgp, route-map, any other), sets the hostname or the profile, or defines a list. */
function topLevelStatement(state: ParseState, statement: Statement): void {
  const { w } = statement;
  // A top-level statement closes any block (FRR writes `exit`, older files rely on indentation).
  state.block = 'none';
  if (w[0] === 'hostname' && w[1]) state.cfg.hostname = w[1];
  else if (w[0] === 'frr' && w[1] === 'defaults') {
    if (w[2] === 'traditional' || w[2] === 'datacenter')
      Object.assign(state.cfg, { profile: w[2], profileLine: statement.line });
    else invalid(state, statement, 'expected frr defaults traditional|datacenter');
  } else if (w[0] === 'interface' && w[1]) {
    state.block = 'interface';
    state.iface = w[1];
    state.cfg.interfaces[state.iface] ??= { addresses: [], line: statement.line };
  } else if (w[0] === 'router' && w[1] === 'bgp') openRouterBgp(state, statement);
  else if (w[0] === 'route-map') {
    state.routeMap = openRouteMap(state, state.cfg.policy, statement);
    state.block = state.routeMap ? 'route-map' : 'other';
  } else if (w[0] === 'ip' && w[1] === 'prefix-list') prefixListStatement(state, state.cfg.policy, statement);
  else if (w[0] === 'bgp' && w[1] === 'route-map' && w[2] === 'delay-timer') {
    const v = intIn(w[3], 0, 600);
    if (v === undefined || w.length > 4) invalid(state, statement, 'expected bgp route-map delay-timer <0-600>');
    else state.cfg.routeMapDelaySeconds = v;
  } else if (w[0] === 'bgp' && bgpListStatement(state, state.cfg.policy, statement)) return;
  else if (w[0] === 'exit' || w[0] === 'end') state.block = 'none';
  else if (['router', 'vrf', 'line', 'key', 'segment-routing', 'bfd'].includes(w[0]!)) state.block = 'other';
}

/** `router bgp <asn>`: the BGP instance, with FRR's defaults (of the file's profile) until its statements say otherwise. */
function openRouterBgp(state: ParseState, statement: Statement): void {
  const { cfg } = state;
  const { line, w } = statement;
  state.block = 'other';
  if (w[3] === 'vrf') return notDerived(state, statement, 'a BGP instance in a VRF: the lab derives the default VRF');
  const asn = intIn(w[2], 1, 4294967295);
  if (asn === undefined || w.length > 3) return invalid(state, statement, 'expected router bgp ASN (1 to 4294967295)');
  if (cfg.bgp) return invalid(state, statement, `a second "router bgp" (first at line ${cfg.bgp.line})`);
  const datacenter = cfg.profile === 'datacenter';
  cfg.bgp = {
    asn,
    timers: { ...(datacenter ? FRR_DATACENTER_TIMERS : FRR_DEFAULT_TIMERS) },
    multipathRelax: false,
    gracefulRestart: 'helper',
    ebgpRequiresPolicy: !datacenter,
    gracefulShutdown: false,
    defaultLocalPref: 100,
    alwaysCompareMed: false,
    defaultIpv4Unicast: true,
    neighbors: {},
    peerGroups: {},
    networks: [],
    line,
  };
  state.block = 'bgp';
}

/** A statement inside `interface X`: its IPv4 addresses. */
function interfaceStatement(state: ParseState, { t, w }: Statement, iface: string): void {
  if (w[0] === 'ip' && w[1] === 'address' && w[2]) state.cfg.interfaces[iface]!.addresses.push(w[2]);
  else if (t === 'exit') state.block = 'none';
}

/** A statement inside `router bgp` or one of its address families. */
function bgpStatement(state: ParseState, statement: Statement, bgp: FrrBgp): void {
  const { t, w } = statement;
  if (w[0] === 'address-family') {
    state.block = 'bgp-af';
    state.af = w.slice(1).join(' ');
    if (state.af === 'ipv4') state.af = 'ipv4 unicast';
    return;
  }
  if (w[0] === 'exit-address-family') {
    state.block = 'bgp';
    state.af = undefined;
    return;
  }
  if (t === 'exit') {
    state.block = state.block === 'bgp-af' ? 'bgp' : 'none';
    return;
  }
  if (state.block === 'bgp-af') addressFamilyStatement(state, statement, bgp);
  else if (w[0] === 'neighbor' && w[1]) neighborStatement(state, bgp, statement);
  else if (w[0] === 'neighbor') invalid(state, statement, 'neighbor without an address');
  else if (w[0] === 'no' && w[1] === 'neighbor') noNeighborStatement(state, bgp, statement);
  else instanceStatement(state, statement, bgp);
}

/** `router bgp` statements that change nothing the suites derive. */
const INSTANCE_NEUTRAL = [
  /^bgp log-neighbor-changes$/,
  /^no bgp log-neighbor-changes$/,
  /^(no )?bgp (deterministic-med|suppress-duplicates|hard-administrative-reset)$/,
  /^(no )?bgp default (show-hostname|show-nexthop-hostname)$/,
  /^(no )?bgp network import-check$/,
  /^(no )?bgp graceful-restart notification$/,
  /^bgp graceful-restart (restart-time|stalepath-time|select-defer-time) \d+$/,
  /^bgp bestpath compare-routerid$/,
  /^coalesce-time \d+$/,
];

/** The BGP instance's own statements: router-id, timers, multipath, graceful restart and shutdown, policy defaults. */
function instanceStatement(state: ParseState, statement: Statement, bgp: FrrBgp): void {
  const { line, t, w } = statement;
  if (w[0] === 'bgp' && w[1] === 'router-id' && w[2]) bgp.routerId = w[2];
  else if (t === 'bgp bestpath as-path multipath-relax') bgp.multipathRelax = true;
  else if (w[0] === 'timers' && w[1] === 'bgp' && w[2] && w[3]) {
    bgp.timers = { keepalive: Number(w[2]), hold: Number(w[3]) };
    bgp.timersLine = line;
  } else if (t === 'bgp graceful-restart') bgp.gracefulRestart = 'restart';
  else if (t === 'bgp graceful-restart-disable') bgp.gracefulRestart = 'disable';
  else if (t === 'bgp ebgp-requires-policy' || t === 'no bgp ebgp-requires-policy')
    Object.assign(bgp, { ebgpRequiresPolicy: w[0] === 'bgp', ebgpRequiresPolicyLine: line });
  else if (t === 'bgp graceful-shutdown') bgp.gracefulShutdown = true;
  else if (t === 'bgp always-compare-med') bgp.alwaysCompareMed = true;
  else if (t === 'no bgp default ipv4-unicast') bgp.defaultIpv4Unicast = false;
  else if (t === 'bgp default ipv4-unicast') bgp.defaultIpv4Unicast = true;
  else if (
    w[0] === 'bgp' &&
    w[1] === 'default' &&
    w[2] === 'local-preference' &&
    intIn(w[3], 0, 4294967295) !== undefined
  )
    bgp.defaultLocalPref = Number(w[3]);
  else if (!INSTANCE_NEUTRAL.some((re) => re.test(t))) notDerived(state, statement);
}

/** A statement inside an address family: IPv4's `maximum-paths`, `network` and neighbour statements; other families are not the VIP's. */
function addressFamilyStatement(state: ParseState, statement: Statement, bgp: FrrBgp): void {
  const { w } = statement;
  if (state.af !== 'ipv4 unicast') return;
  if (w[0] === 'maximum-paths' && intIn(w[1], 1, 4096) !== undefined) bgp.maximumPaths = Number(w[1]);
  else if (w[0] === 'maximum-paths' && w[1] === 'ibgp') return;
  else if (w[0] === 'network' && w[1]) bgp.networks.push(w[1]);
  else if (w[0] === 'neighbor' && w[1]) {
    const n = bgp.neighbors[w[1]] ?? bgp.peerGroups[w[1]];
    if (n) addressFamilyNeighbor(state, n, statement, w.slice(2));
    else invalid(state, statement, `no neighbor or peer-group ${w[1]} under router bgp (FRR refuses the statement)`);
  } else if (w[0] === 'no' && w[1] === 'neighbor') noNeighborStatement(state, bgp, statement);
  else notDerived(state, statement);
}

/**
 * The AS a router is towards one neighbour: its `local-as` when set (the OPEN carries it; with
 * dual-as FRR accepts the `router bgp` AS as well), else its `router bgp` AS.
 */
export function asTowards(bgp: FrrBgp, address: string): number {
  return bgp.neighbors[address]?.localAs?.asn ?? bgp.asn;
}

/**
 * Whether a neighbour statement's remote-as admits `peerAs`: equal to a numeric remote-as;
 * `external` any AS but the one this router is towards it; `internal` that one.
 */
export function remoteAsAdmits(bgp: FrrBgp, nb: FrrNeighbor, peerAs: number): boolean {
  if (nb.remoteAs !== undefined) return nb.remoteAs === peerAs;
  const mine = asTowards(bgp, nb.address);
  return nb.remoteAsKind === 'external' ? peerAs !== mine : nb.remoteAsKind === 'internal' && peerAs === mine;
}

/** A neighbour's remote-as as written: the number, `external` or `internal`. */
export const remoteAsText = (nb: FrrNeighbor) => String(nb.remoteAs ?? nb.remoteAsKind ?? '(none)');

/** Whether a peer expecting `remoteAs` from this router (at `address`) gets an OPEN it accepts. */
export function acceptsRemoteAs(bgp: FrrBgp, address: string, remoteAs: number): boolean {
  const la = bgp.neighbors[address]?.localAs;
  return remoteAs === asTowards(bgp, address) || (!!la?.dualAs && remoteAs === bgp.asn);
}

/**
 * The profile the daemons start with (`frr_profile` in the daemons file, passed as -F) where
 * frr.conf names none: its defaults for what the file does not set (timers, ebgp-requires-policy).
 */
export function withDaemonsProfile(cfg: FrrConfig, profile: string | undefined): FrrConfig {
  if (cfg.profileLine !== undefined || (profile !== 'datacenter' && profile !== 'traditional')) return cfg;
  const bgp = cfg.bgp;
  const datacenter = profile === 'datacenter';
  if (!bgp) return { ...cfg, profile };
  return {
    ...cfg,
    profile,
    bgp: {
      ...bgp,
      timers: bgp.timersLine ? bgp.timers : { ...(datacenter ? FRR_DATACENTER_TIMERS : FRR_DEFAULT_TIMERS) },
      ebgpRequiresPolicy: bgp.ebgpRequiresPolicyLine ? bgp.ebgpRequiresPolicy : !datacenter,
    },
  };
}

/** The hold/keepalive FRR will offer to one neighbour: per-neighbour timers win over `timers bgp`. */
export function neighborTimers(bgp: FrrBgp, address: string): { keepalive: number; hold: number } {
  return bgp.neighbors[address]?.timers ?? bgp.timers;
}
