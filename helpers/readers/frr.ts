/**
 * Reading FRR state through vtysh JSON (`show ... json`), the way FRR's own topotests do,
 * plus the kernel FIB through `ip -j`. Returns small typed views so suites compare like
 * with like on either provider.
 */
import type { LabHandle } from '../providers/api/lab-handle.js';

export interface FrrNeighborState {
  address: string;
  state: string;
  remoteAs: number;
  localAs: number;
  /** Negotiated timers in seconds (FRR reports milliseconds). */
  holdSeconds?: number;
  keepaliveSeconds?: number;
  /** Graceful restart as FRR reports it for this neighbour (`gracefulRestartInfo`), when it reports it. */
  gr?: FrrGracefulRestart;
  raw: Record<string, unknown>;
}

export interface FrrGracefulRestart {
  /** The remote side's mode ("Restart", "Helper", "NotApplicable", ...). */
  remoteMode?: string;
  /** RFC 8538 N-bit exchanged. */
  nBit: boolean;
  /** The restart time the remote side announced. */
  receivedRestartSeconds?: number;
  /** End-of-RIB per address family, keyed as FRR does (`ipv4Unicast`); absent when FRR shows none. */
  endOfRib: Record<string, { send: boolean; recv: boolean } | undefined>;
}

/** FRR's `gracefulRestartInfo` of one neighbour: the one reader of its keys. */
function parseGracefulRestart(raw: unknown): FrrGracefulRestart | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const gr = raw as Record<string, unknown> & {
    remoteGrMode?: string;
    nBit?: boolean;
    timers?: { receivedRestartTimer?: number };
  };
  const endOfRib: FrrGracefulRestart['endOfRib'] = {};
  for (const [key, v] of Object.entries(gr)) {
    const eor = (v as { endOfRibStatus?: { endOfRibSend?: boolean; endOfRibRecv?: boolean } } | undefined)
      ?.endOfRibStatus;
    if (eor) endOfRib[key] = { send: !!eor.endOfRibSend, recv: !!eor.endOfRibRecv };
  }
  return {
    remoteMode: gr.remoteGrMode,
    nBit: gr.nBit === true,
    receivedRestartSeconds: gr.timers?.receivedRestartTimer,
    endOfRib,
  };
}

export async function vtyshJson<T = unknown>(lab: LabHandle, router: string, command: string): Promise<T> {
  const out = await lab.vtysh(router, `${command} json`);
  try {
    return JSON.parse(out) as T;
  } catch {
    throw new Error(`${router}: "${command} json" did not return JSON: ${out.slice(0, 200)}`);
  }
}

/**
 * How many peers share `peer`'s IPv4 unicast update subgroup on `router` (`show bgp ipv4 unicast
 * update-groups json`); undefined when FRR does not say (no JSON, or the peer in no subgroup).
 */
export async function subgroupPeers(lab: LabHandle, router: string, peer: string): Promise<number | undefined> {
  type Groups = Record<string, Record<string, { subGroup?: { peers?: string[] }[] }>>;
  const groups = await vtyshJson<Groups>(lab, router, 'show bgp ipv4 unicast update-groups').catch(() => undefined);
  for (const vrf of Object.values(groups ?? {}))
    for (const g of Object.values(vrf ?? {}))
      for (const sg of g?.subGroup ?? []) if (sg.peers?.includes(peer)) return sg.peers.length;
  return undefined;
}

export async function bgpNeighbors(lab: LabHandle, router: string): Promise<Record<string, FrrNeighborState>> {
  const raw = await vtyshJson<Record<string, Record<string, unknown>>>(lab, router, 'show bgp neighbors');
  const out: Record<string, FrrNeighborState> = {};
  for (const [address, n] of Object.entries(raw)) {
    out[address] = {
      address,
      state: String(n.bgpState),
      remoteAs: Number(n.remoteAs),
      localAs: Number(n.localAs),
      holdSeconds: typeof n.bgpTimerHoldTimeMsecs === 'number' ? n.bgpTimerHoldTimeMsecs / 1000 : undefined,
      keepaliveSeconds:
        typeof n.bgpTimerKeepAliveIntervalMsecs === 'number' ? n.bgpTimerKeepAliveIntervalMsecs / 1000 : undefined,
      gr: parseGracefulRestart(n.gracefulRestartInfo),
      raw: n,
    };
  }
  return out;
}

export interface KernelNextHop {
  gateway: string;
  dev: string;
}

interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  nexthops?: { gateway: string; dev: string }[];
}

/** The next hops of the routes in `routes` whose destination is exactly `prefix`. */
function nextHopsOf(routes: IpRoute[], prefix: string): KernelNextHop[] {
  const exact = routes.filter(
    (x) => x.dst === prefix || `${x.dst}/32` === prefix || x.dst === prefix.replace(/\/32$/, ''),
  );
  return exact.flatMap((x) =>
    x.nexthops
      ? x.nexthops.map((n) => ({ gateway: n.gateway, dev: n.dev }))
      : x.gateway
        ? [{ gateway: x.gateway, dev: x.dev ?? '' }]
        : [],
  );
}

/**
 * Next hops of the kernel route for `prefix` in a node (empty when there is none). Reads made
 * in the same tick for one node share one dump of its table (see coalesced), and a frozen view
 * reads its one dump (see frozenRoutes).
 */
export function kernelNextHops(lab: LabHandle, node: string, prefix: string): Promise<KernelNextHop[]> {
  const one = async (p: string) =>
    nextHopsOf(JSON.parse((await lab.exec(node, ['ip', '-j', 'route', 'show', p])).stdout || '[]') as IpRoute[], p);
  const all = async () => {
    const routes = JSON.parse((await lab.exec(node, ['ip', '-j', 'route', 'show'])).stdout || '[]') as IpRoute[];
    return (p: string) => nextHopsOf(routes, p);
  };
  return read(lab, 'fib', node, prefix, one, all);
}

export interface BgpPathView {
  nextHop: string;
  asPath: string;
  origin: string;
  valid: boolean;
  bestpath: boolean;
  multipath: boolean;
  stale: boolean;
}

/** The BGP paths a router holds for one prefix (`show bgp ipv4 unicast <prefix> json`; in bulk, its whole table). */
export function bgpPaths(lab: LabHandle, router: string, prefix: string): Promise<BgpPathView[]> {
  const one = async (p: string) =>
    (
      (await vtyshJson<{ paths?: Record<string, unknown>[] }>(lab, router, `show bgp ipv4 unicast ${p}`)).paths ?? []
    ).map(detailPath);
  const all = async () => {
    const table = await vtyshJson<{ routes?: Record<string, Record<string, unknown>[]> }>(
      lab,
      router,
      'show bgp ipv4 unicast',
    );
    return (p: string) => (table.routes?.[p] ?? []).map(tablePath);
  };
  return read(lab, 'bgp', router, prefix, one, all);
}

/** One path of the per-prefix JSON (FRR's detailed view: `aspath.string`, `bestpath.overall`). */
function detailPath(p: Record<string, unknown>): BgpPathView {
  const aspath = p.aspath as { string?: string } | undefined;
  const best = (p.bestpath as { overall?: boolean } | undefined)?.overall === true;
  return pathView(p, aspath?.string ?? '', best);
}

/** One path of the table JSON (FRR's summary view: `path` is the AS path, `bestpath` a boolean). */
function tablePath(p: Record<string, unknown>): BgpPathView {
  return pathView(p, typeof p.path === 'string' ? p.path : '', p.bestpath === true);
}

function pathView(p: Record<string, unknown>, asPath: string, best: boolean): BgpPathView {
  return {
    nextHop: (p.nexthops as { ip: string }[] | undefined)?.[0]?.ip ?? '',
    asPath,
    origin: String(p.origin ?? ''),
    valid: p.valid === true,
    bestpath: best,
    multipath: p.multipath === true || best,
    stale: p.stale === true,
  };
}

type Reader<T> = (prefix: string) => T;

/**
 * Per-prefix reads at scale: reads of one router's table made in the same tick (a Promise.all
 * over K VIPs) are served by one dump of the whole table, a lone read by its own command (as
 * cheap as before at K = 1). A frozen view (frozenRoutes) serves every read from one dump per
 * router, taken at its first read. Either way each answer was read after its call was made.
 */
function read<T>(
  lab: LabHandle,
  kind: 'fib' | 'bgp',
  router: string,
  prefix: string,
  one: (prefix: string) => Promise<T>,
  all: () => Promise<Reader<T>>,
): Promise<T> {
  const frozen = frozenViews.get(lab);
  if (frozen) {
    const key = `${kind} ${router}`;
    if (!frozen.has(key)) frozen.set(key, all());
    return (frozen.get(key) as Promise<Reader<T>>).then((r) => r(prefix));
  }
  let batches = pendingBatches.get(lab);
  if (!batches) pendingBatches.set(lab, (batches = new Map()));
  const key = `${kind} ${router}`;
  let batch = batches.get(key) as Batch<T> | undefined;
  if (!batch) {
    const b: Batch<T> = { prefixes: [], reader: undefined! };
    b.reader = new Promise<Reader<Promise<T>>>((resolve) =>
      setImmediate(() => {
        batches.delete(key);
        if (new Set(b.prefixes).size === 1) resolve(one);
        else {
          const dump = all();
          resolve((p) => dump.then((r) => r(p)));
        }
      }),
    );
    batches.set(key, (batch = b));
  }
  batch.prefixes.push(prefix);
  return batch.reader.then((r) => r(prefix));
}

interface Batch<T> {
  prefixes: string[];
  reader: Promise<Reader<Promise<T>>>;
}

const pendingBatches = new WeakMap<LabHandle, Map<string, Batch<unknown>>>();
const frozenViews = new WeakMap<LabHandle, Map<string, Promise<Reader<unknown>>>>();

/**
 * A view of `lab` whose route reads (bgpPaths, kernelNextHops) come from one dump per router
 * and kind, taken at the first read and kept: suite 2 checks K VIPs × R routers one test each
 * against one consistent picture, for 2R dumps instead of 2KR reads. Everything else the view
 * does goes to `lab`.
 */
export function frozenRoutes(lab: LabHandle): LabHandle {
  const view = Object.create(lab) as LabHandle;
  frozenViews.set(view, new Map());
  return view;
}
