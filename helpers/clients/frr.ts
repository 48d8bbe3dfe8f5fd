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

/** Next hops of the kernel route for `prefix` in a node (empty when there is none). */
export async function kernelNextHops(lab: LabHandle, node: string, prefix: string): Promise<KernelNextHop[]> {
  const r = await lab.exec(node, ['ip', '-j', 'route', 'show', prefix]);
  const routes = JSON.parse(r.stdout || '[]') as {
    dst: string;
    gateway?: string;
    dev?: string;
    nexthops?: { gateway: string; dev: string }[];
  }[];
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

export interface BgpPathView {
  nextHop: string;
  asPath: string;
  origin: string;
  valid: boolean;
  bestpath: boolean;
  multipath: boolean;
  stale: boolean;
}

/** The BGP paths a router holds for one prefix (`show bgp ipv4 unicast <prefix> json`). */
export async function bgpPaths(lab: LabHandle, router: string, prefix: string): Promise<BgpPathView[]> {
  const raw = await vtyshJson<{ paths?: Record<string, unknown>[] }>(lab, router, `show bgp ipv4 unicast ${prefix}`);
  return (raw.paths ?? []).map((p) => {
    const nh = (p.nexthops as { ip: string }[] | undefined)?.[0]?.ip ?? '';
    const aspath = p.aspath as { string?: string } | undefined;
    const best = p.bestpath as { overall?: boolean } | undefined;
    return {
      nextHop: nh,
      asPath: aspath?.string ?? '',
      origin: String(p.origin ?? ''),
      valid: p.valid === true,
      bestpath: best?.overall === true,
      multipath: p.multipath === true || best?.overall === true,
      stale: p.stale === true,
    };
  });
}
