/**
 * Reads the parts of an FRR integrated config (frr.conf) that the lab model needs:
 * interface addresses, the BGP instance, its neighbours and the knobs the suites check.
 * FRR itself runs the file (in both providers); this reader only extracts facts, so any
 * statement it does not know is simply left to FRR. `vtysh --dryrun` (see checks) is what
 * proves the file parses.
 */
import { readTextFile, type ProblemList } from './errors.js';

export interface FrrNeighbor {
  address: string;
  remoteAs?: number;
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
  line: number;
}

export interface FrrBgp {
  asn: number;
  routerId?: string;
  /** `timers bgp <keepalive> <hold>`; FRR's defaults are 60/180. */
  timers: { keepalive: number; hold: number };
  /** The line of `timers bgp`; none when FRR's defaults apply. */
  timersLine?: number;
  multipathRelax: boolean;
  /** `maximum-paths N` under address-family ipv4 unicast (FRR's default is its compile-time MULTIPATH_NUM). */
  maximumPaths?: number;
  gracefulRestart: 'helper' | 'restart' | 'disable';
  neighbors: Record<string, FrrNeighbor>;
  networks: string[];
  line: number;
}

export interface FrrConfig {
  file: string;
  hostname?: string;
  /** Interface name → IPv4 addresses in CIDR form. */
  interfaces: Record<string, { addresses: string[]; line: number }>;
  bgp?: FrrBgp;
}

/** FRR's defaults for `frr defaults traditional`. */
export const FRR_DEFAULT_TIMERS = { keepalive: 60, hold: 180 } as const;

/**
 * Neighbour statements that change nothing the suites derive (what the session negotiates is
 * read elsewhere: timers, password, passive, remote-as). Any other neighbour statement
 * (`shutdown`, `route-map`, `prefix-list`, `allowas-in`, `local-as`, `weight`, ...) changes
 * which sessions come up or which paths win, which the derived expectations would not follow:
 * it is rejected by name, never ignored.
 */
const NEIGHBOR_NEUTRAL = new Set([
  'description',
  'activate',
  'soft-reconfiguration',
  'send-community',
  'capability',
  'bfd',
]);

export function parseFrrConfig(file: string, shownAs: string, problems: ProblemList): FrrConfig | undefined {
  const text = readTextFile(file, shownAs, problems);
  if (text === undefined) return undefined;
  return parseFrrConfigText(text, shownAs, problems);
}

export function parseFrrConfigText(text: string, file: string, problems: ProblemList): FrrConfig {
  const notModelled = (statement: string, line: number) =>
    problems.add({
      file,
      field: statement,
      line,
      message:
        'not modelled by anycast-verify: it changes which sessions come up or which paths win, and the expectations derived from the files would not follow it',
    });
  const cfg: FrrConfig = { file, interfaces: {} };
  let block: 'none' | 'interface' | 'bgp' | 'bgp-af' | 'other' = 'none';
  let iface: string | undefined;
  let af: string | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const s = raw.replace(/\s+$/, '');
    const t = s.trim();
    if (t === '' || t.startsWith('!')) return;
    const indented = /^\s/.test(s);
    const w = t.split(/\s+/);
    if (!indented) {
      // A top-level statement closes any block (FRR writes `exit`, older files rely on indentation).
      block = 'none';
      if (w[0] === 'hostname' && w[1]) cfg.hostname = w[1];
      else if (w[0] === 'interface' && w[1]) {
        block = 'interface';
        iface = w[1];
        cfg.interfaces[iface] ??= { addresses: [], line };
      } else if (w[0] === 'router' && w[1] === 'bgp') {
        if (w.length > 3) {
          problems.add({ file, field: t, line, message: 'BGP VRF instances are not supported by anycast-verify' });
          block = 'other';
          return;
        }
        const asn = Number(w[2]);
        if (!Number.isInteger(asn) || asn < 1 || asn > 4294967295) {
          problems.add({ file, field: t, line, message: 'expected an ASN from 1 to 4294967295' });
          block = 'other';
          return;
        }
        if (cfg.bgp)
          problems.add({ file, field: t, line, message: `a second "router bgp" (first at line ${cfg.bgp.line})` });
        cfg.bgp = {
          asn,
          timers: { ...FRR_DEFAULT_TIMERS },
          multipathRelax: false,
          gracefulRestart: 'helper',
          neighbors: {},
          networks: [],
          line,
        };
        block = 'bgp';
      } else if (w[0] === 'exit' || w[0] === 'end') block = 'none';
      else if (['router', 'vrf', 'route-map', 'line', 'key', 'segment-routing', 'bfd'].includes(w[0]!)) block = 'other';
      return;
    }
    if (block === 'interface' && iface) {
      if (w[0] === 'ip' && w[1] === 'address' && w[2]) cfg.interfaces[iface]!.addresses.push(w[2]);
      else if (t === 'exit') block = 'none';
      return;
    }
    if ((block === 'bgp' || block === 'bgp-af') && cfg.bgp) {
      const bgp = cfg.bgp;
      if (w[0] === 'address-family') {
        block = 'bgp-af';
        af = w.slice(1).join(' ');
        return;
      }
      if (w[0] === 'exit-address-family') {
        block = 'bgp';
        af = undefined;
        return;
      }
      if (t === 'exit') {
        block = 'none';
        return;
      }
      if (block === 'bgp-af') {
        if ((af === 'ipv4 unicast' || af === 'ipv4') && w[0] === 'maximum-paths' && w[1] && /^\d+$/.test(w[1]))
          bgp.maximumPaths = Number(w[1]);
        if ((af === 'ipv4 unicast' || af === 'ipv4') && w[0] === 'network' && w[1]) bgp.networks.push(w[1]);
        if (w[0] === 'neighbor' && w[2] && !NEIGHBOR_NEUTRAL.has(w[2])) notModelled(t, line);
        return;
      }
      if (w[0] === 'bgp' && w[1] === 'router-id' && w[2]) bgp.routerId = w[2];
      else if (t === 'bgp bestpath as-path multipath-relax') bgp.multipathRelax = true;
      else if (w[0] === 'timers' && w[1] === 'bgp' && w[2] && w[3]) {
        bgp.timers = { keepalive: Number(w[2]), hold: Number(w[3]) };
        bgp.timersLine = line;
      } else if (t === 'bgp graceful-restart') bgp.gracefulRestart = 'restart';
      else if (t === 'bgp graceful-restart-disable') bgp.gracefulRestart = 'disable';
      else if (w[0] === 'neighbor' && w[1]) {
        const n = (bgp.neighbors[w[1]] ??= { address: w[1], passive: false, line });
        const rest = w.slice(2);
        if (rest[0] === 'remote-as') {
          const asn = Number(rest[1]);
          if (!Number.isInteger(asn))
            problems.add({
              file,
              field: t,
              line,
              message:
                'anycast-verify needs a numeric remote-as (not internal/external or a peer-group) to check it against the Cilium config',
            });
          else {
            n.remoteAs = asn;
            n.remoteAsLine = line;
          }
        } else if (rest[0] === 'password' && rest[1]) {
          n.password = rest.slice(1).join(' ');
          n.passwordLine = line;
        } else if (rest[0] === 'passive') n.passive = true;
        else if (rest[0] === 'description') n.description = rest.slice(1).join(' ');
        else if (rest[0] === 'timers' && rest[1] && /^\d+$/.test(rest[1]) && rest[2]) {
          n.timers = { keepalive: Number(rest[1]), hold: Number(rest[2]) };
          n.timersLine = line;
        } else if (rest[0] === 'peer-group' || rest[0] === 'interface')
          problems.add({
            file,
            field: t,
            line,
            message:
              'peer-groups and unnumbered neighbours are not supported by anycast-verify (each neighbour is checked against the topology by address)',
          });
        else if (rest[0] && rest[0] !== 'remote-as' && !NEIGHBOR_NEUTRAL.has(rest[0])) notModelled(t, line);
      } else if (w[0] === 'neighbor' && w.length === 1) {
        problems.add({ file, field: t, line, message: 'neighbor without an address' });
      }
    }
  });
  return cfg;
}

/** The hold/keepalive FRR will offer to one neighbour: per-neighbour timers win over `timers bgp`. */
export function neighborTimers(bgp: FrrBgp, address: string): { keepalive: number; hold: number } {
  return bgp.neighbors[address]?.timers ?? bgp.timers;
}
