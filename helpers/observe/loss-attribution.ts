/**
 * Names the cause of every failed probe request from the evidence: the request's SYN trail
 * through the lab (packet-trail.ts), the resets and ICMP errors that answered it, and what the
 * router where it died held in its FIB at that moment (route-monitor.ts). Pure: the failover
 * suite asserts on the verdicts, and the report prints each one as a sentence.
 */
import type { TrailPacket } from './packet-trail.js';

export type LossVerdict =
  /** Died at a router whose FIB held no route to the VIP. */
  | 'black-hole'
  /** Went round between routers (the same SYN seen twice at one) until its TTL ran out. */
  | 'micro-loop'
  /** Reached a cluster, which answered with a reset (it had no connection for it: a rehash). */
  | 'reset'
  /**
   * Its handshake completed with one cluster and its request segment reached another, which had
   * no connection for it (an ECMP change rehashed it mid-connection); no reset was captured.
   */
  | 'rehashed'
  /** Forwarded towards a Kubernetes node that never received it (the node's link or data plane is down). */
  | 'lost-towards-node'
  /** Reached a Kubernetes node; the request got no answer (the node's side of the fault). */
  | 'unanswered-at-node'
  /** Died at a router that held a route (nothing in the evidence explains it). */
  | 'dropped-with-route'
  /** No trail for it (no capture where it went, or no source port recorded). */
  | 'unknown';

export interface FailedRequest {
  client: string;
  /** Epoch ms the request started. */
  t: number;
  /** How long the probe waited before it gave up, ms (a SYN-ACK after that completed nothing). */
  ms?: number;
  sport?: number;
  err?: string;
  /** The probe never sent it (see HarnessError); such a request is never attributed as a loss. */
  harness?: string;
  holders?: string[];
}

/**
 * A request the probe could not send: its bind or connect failed inside the client before any
 * packet left it (EADDRINUSE, EADDRNOTAVAIL, ENOBUFS…). No network evidence can exist for it,
 * so it is neither lost nor a pass: the suites report it as a harness error and fail.
 */
export interface HarnessError {
  client: string;
  t: number;
  sport?: number;
  cause: string;
  /** The client's sockets on that port when it failed. */
  holders: string[];
}

/** Failed requests split into those that left the client (the network's to explain) and those the harness never sent. */
export function splitFailures<R extends FailedRequest>(failed: R[]): { lost: R[]; harness: HarnessError[] } {
  const lost: R[] = [];
  const harness: HarnessError[] = [];
  for (const f of failed)
    if (f.harness === undefined) lost.push(f);
    else harness.push({ client: f.client, t: f.t, sport: f.sport, cause: f.harness, holders: f.holders ?? [] });
  return { lost, harness };
}

/** One line for a harness error, relative to t0. */
export function describeHarnessError(h: HarnessError, t0: number): string {
  const held = h.holders.length ? `; port held by ${h.holders.join(', ')}` : '';
  return `${((h.t - t0) / 1000).toFixed(3)} s ${h.client} port ${h.sport}: harness error, never sent (${h.cause})${held}`;
}

export interface LostRequest extends FailedRequest {
  verdict: LossVerdict;
  /** The router or node where the SYN died, or that reset the connection. */
  where?: string;
  /** Epoch ms of the last sighting of the SYN (or of the reset). */
  at?: number;
  /** `where`'s next hops for the VIP at `at` (routers only). */
  fib?: string[];
  /** The ICMP error the client got for it, and from which address; absent when none was sent. */
  icmp?: { from: string; what: string };
  /** Every node the SYN was seen at, in order (a loop shows a node twice). */
  path: string[];
  /** One sentence with the evidence. */
  detail: string;
  /**
   * For a reset or a rehash: the cluster its SYN had reached, when that is not the cluster that
   * reset it or that its request reached. The packets themselves then prove the path changed
   * while the connection was open.
   */
  rehashedFrom?: string;
  /**
   * For a request that reached a cluster and got no answer, where the client's capture holds the
   * VIP's SYN-ACKs: when the SYN-ACK reached the client (the handshake completed, so what was lost
   * came after it), or null when none did.
   */
  handshakeAt?: number | null;
}

export interface AttributionContext {
  /** Address of each client (the probes' source). */
  clientAddress: Record<string, string>;
  /** Kubernetes node → its cluster. */
  nodeCluster: Record<string, string>;
  routers: string[];
  /** Next hops a router held for the VIP at epoch ms t. */
  fibAt(router: string, t: number): string[] | undefined;
  /** Nodes whose capture is incomplete, with why. */
  gaps: Record<string, string>;
}

/** Each failed request with its verdict and the evidence for it, in the order given. */
export function attributeLosses(
  failed: FailedRequest[],
  packets: TrailPacket[],
  ctx: AttributionContext,
  t0: number,
): LostRequest[] {
  refuseUnsent(failed);
  const shared: Attribution = {
    ctx,
    byClientPort: packetsByClientPort(packets),
    gapNote: incompleteCapturesNote(ctx.gaps),
    rel: (t: number) => `${((t - t0) / 1000).toFixed(3)} s`,
    answersAt: new Set(packets.filter((p) => p.kind === 'synack').map((p) => p.node)),
    dataCaptured: packets.some((p) => p.kind === 'request'),
  };
  return failed.map((f) => attributeRequest(f, shared));
}

/** What every request's attribution shares: the context, the packets indexed once, and how times and gaps read. */
interface Attribution {
  ctx: AttributionContext;
  /** Packets by the client end of their connection (`address:port`). */
  byClientPort: Map<string, TrailPacket[]>;
  /** Appended where a missing capture could be why nothing was seen: names the incomplete ones ('' when none). */
  gapNote: string;
  /** An epoch ms as seconds since t0, for the sentences. */
  rel: (t: number) => string;
  /** The clients whose capture holds the VIP's SYN-ACKs (packet-trail.ts trailFilter). */
  answersAt: Set<string>;
  /** Whether the trail holds request segments at all (an older trail holds SYNs only). */
  dataCaptured: boolean;
}

/**
 * A request that never left the client has no trail: attributing it would call it "unknown"
 * and count it as a loss. Refused outright, so a caller that forgot splitFailures fails loudly.
 */
function refuseUnsent(failed: FailedRequest[]): void {
  const unsent = failed.find((f) => f.harness !== undefined);
  if (unsent)
    throw new Error(
      `attributeLosses: ${unsent.client} port ${unsent.sport} was never sent (${unsent.harness}): a harness error, not a loss (split it out with splitFailures)`,
    );
}

/**
 * Every packet under the client end of its connection: a SYN or a request by its source, a
 * reset, SYN-ACK or answer by its destination, an ICMP error by the packet it quotes (one that
 * quotes none is left out).
 */
function packetsByClientPort(packets: TrailPacket[]): Map<string, TrailPacket[]> {
  const byClientPort = new Map<string, TrailPacket[]>();
  for (const p of packets) {
    const key =
      p.kind === 'icmp'
        ? p.quoted
          ? `${p.quoted.src}:${p.quoted.sport}`
          : undefined
        : p.kind === 'syn' || p.kind === 'request'
          ? `${p.src}:${p.sport}`
          : `${p.dst}:${p.dport}`;
    if (key) (byClientPort.get(key) ?? byClientPort.set(key, []).get(key)!).push(p);
  }
  return byClientPort;
}

/** The note naming the incomplete captures, for verdicts that a missing capture could explain. */
function incompleteCapturesNote(gaps: Record<string, string>): string {
  return Object.keys(gaps).length
    ? ` (incomplete captures: ${Object.entries(gaps)
        .map(([n, g]) => `${n}: ${g}`)
        .join('; ')})`
    : '';
}

/** One request's verdict: a reset if a cluster reset it, else where its SYN was last seen arriving. */
function attributeRequest(f: FailedRequest, shared: Attribution): LostRequest {
  const { ctx, gapNote } = shared;
  const addr = ctx.clientAddress[f.client];
  if (f.sport === undefined || !addr)
    return { ...f, verdict: 'unknown', path: [], detail: `no source port recorded for it, so no trail${gapNote}` };
  // Only this request's packets: a port is reused at the earliest minutes later.
  const mine = (shared.byClientPort.get(`${addr}:${f.sport}`) ?? []).filter(
    (p) => p.t >= f.t - 50 && p.t <= f.t + 5000,
  );
  const syns = mine.filter((p) => p.kind === 'syn');
  const icmpPkt = mine.find((p) => p.kind === 'icmp' && p.dst === addr && p.dir === 'Out');
  const reset = mine.find((p) => p.kind === 'rst' && p.dir === 'Out' && ctx.nodeCluster[p.node]);
  if (reset) return resetVerdict(f, reset, syns, shared);
  if (!syns.length)
    return {
      ...f,
      verdict: 'unknown',
      path: [],
      detail: `its SYN (port ${f.sport}) was not captured anywhere${gapNote}`,
    };
  const arrivals = syns.filter((p) => p.dir === 'In');
  const path = arrivals.map((p) => p.node);
  const last = arrivals.at(-1);
  if (!last)
    return { ...f, verdict: 'unknown', path, detail: `its SYN left ${f.client} but no router received it${gapNote}` };
  const synAck = mine.find((p) => p.kind === 'synack' && p.node === f.client && p.dir === 'In');
  const data = mine.filter((p) => p.kind === 'request' || p.kind === 'answer');
  return verdictWhereItDied(f, { syns, path, last, icmpPkt, data, ...(synAck ? { synAck } : {}) }, shared);
}

/** A cluster reset the request; when its SYN had reached another cluster, the path changed under it. */
function resetVerdict(f: FailedRequest, reset: TrailPacket, syns: TrailPacket[], shared: Attribution): LostRequest {
  const { ctx, rel } = shared;
  const resetBy = ctx.nodeCluster[reset.node]!;
  const synAt = syns.find((p) => p.dir === 'In' && ctx.nodeCluster[p.node]);
  const from = synAt && ctx.nodeCluster[synAt.node] !== resetBy ? ctx.nodeCluster[synAt.node] : undefined;
  const opened = synAt ? `its SYN reached ${synAt.node} (${ctx.nodeCluster[synAt.node]}) at ${rel(synAt.t)}; ` : '';
  return {
    ...f,
    verdict: 'reset',
    where: reset.node,
    at: reset.t,
    path: [],
    ...(from ? { rehashedFrom: from } : {}),
    detail: `${opened}${reset.node} (${resetBy}) reset it at ${rel(reset.t)}: it had no connection for it${from ? ' (the path changed while it was open)' : ''}`,
  };
}

/**
 * The trail of a request that no cluster reset: its SYNs, the nodes they arrived at, the last
 * arrival, the ICMP error back, the SYN-ACK the client got, and its request and answer segments.
 */
interface SynTrail {
  syns: TrailPacket[];
  path: string[];
  last: TrailPacket;
  icmpPkt?: TrailPacket;
  synAck?: TrailPacket;
  data: TrailPacket[];
}

/** Whether the client got the SYN-ACK, said only where its capture holds SYN-ACKs at all. */
function handshakeOf(
  f: FailedRequest,
  trail: SynTrail,
  { answersAt, rel }: Attribution,
): { at: number | null; note: string } | undefined {
  if (!answersAt.has(f.client)) return undefined;
  if (!trail.synAck) return { at: null, note: '; no SYN-ACK reached the client' };
  // The probe had closed its socket: the SYN-ACK found no one waiting (the client resets it).
  if (f.ms !== undefined && trail.synAck.t > f.t + f.ms)
    return {
      at: null,
      note: `; its SYN-ACK reached the client only at ${rel(trail.synAck.t)}, after the probe gave up at ${rel(f.t + f.ms)} (the handshake never completed)`,
    };
  return {
    at: trail.synAck.t,
    note: `; its SYN-ACK reached the client at ${rel(trail.synAck.t)} (the handshake completed: what was lost came after it)`,
  };
}

/** Why the SYN went no further than its last arrival: a node that never answered, a loop, a lost hop, or the FIB there. */
function verdictWhereItDied(f: FailedRequest, trail: SynTrail, shared: Attribution): LostRequest {
  const { ctx, rel, gapNote } = shared;
  const { syns, path, last, icmpPkt } = trail;
  const icmp = icmpPkt ? { from: icmpPkt.src, what: icmpPkt.icmp! } : undefined;
  const icmpNote = icmp ? `; ICMP ${icmp.what} from ${icmp.from}` : '; no ICMP error came back';
  const sentOn = syns.some(
    (p) => p.node === last.node && p.dir === 'Out' && p.t >= last.t && p.ipId === last.ipId && p.ttl <= last.ttl,
  );
  const looped = nodesSeenTwice(path);
  if (ctx.nodeCluster[last.node]) {
    const handshake = handshakeOf(f, trail, shared);
    const moved = handshake?.at ? rehashedRequest(f, trail, shared) : undefined;
    if (moved) return moved;
    const fate = handshake?.at ? afterHandshake(f, trail, shared) : '';
    return {
      ...f,
      verdict: 'unanswered-at-node',
      where: last.node,
      at: last.t,
      path,
      ...(handshake ? { handshakeAt: handshake.at } : {}),
      detail: `its SYN reached ${last.node} (${ctx.nodeCluster[last.node]}) at ${rel(last.t)} and the request got no answer${handshake?.note ?? ''}${fate}${icmpNote}`,
    };
  }
  const fib = ctx.routers.includes(last.node) ? ctx.fibAt(last.node, last.t) : undefined;
  const fibText = (r: string, t: number) => `${r} → [${ctx.fibAt(r, t)?.join(', ') ?? '?'}]`;
  // Every verdict below names the router where it died, with its FIB and the ICMP error back.
  const diedAt = (verdict: LossVerdict, detail: string, at = last.t): LostRequest => ({
    ...f,
    verdict,
    where: last.node,
    at,
    fib,
    icmp,
    path,
    detail,
  });
  if (looped.length)
    return diedAt(
      'micro-loop',
      `its SYN looped ${looped.join('↔')} (${looped.map((r) => fibText(r, last.t)).join(', ')}) until its TTL ran out at ${last.node} at ${rel(last.t)}${icmpNote}`,
    );
  if (sentOn) {
    const out = syns.filter((p) => p.node === last.node && p.dir === 'Out').at(-1)!;
    return diedAt(
      'lost-towards-node',
      `${last.node} sent its SYN on (${out.dev}) at ${rel(out.t)} and nothing received it${icmpNote}${gapNote}`,
      out.t,
    );
  }
  if (fib && fib.length === 0)
    return diedAt('black-hole', `its SYN died at ${last.node} at ${rel(last.t)}: no route to the VIP there${icmpNote}`);
  // ICMP "net unreachable" from the router where it died is the kernel's own word that it had
  // no route (ip_error), even when the route monitor had not yet read the deletion.
  if (icmp && /^net \S+ unreachable$/.test(icmp.what) && icmpPkt!.node === last.node)
    return diedAt(
      'black-hole',
      `its SYN died at ${last.node} at ${rel(last.t)}: no route to the VIP there (its ICMP net unreachable says so; the route monitor still showed [${fib?.join(', ') ?? '?'}], not yet read)${icmpNote}`,
    );
  return diedAt(
    'dropped-with-route',
    `its SYN died at ${last.node} at ${rel(last.t)} although it held [${fib?.join(', ') ?? '?'}]${icmpNote}`,
  );
}

/**
 * After a completed handshake: its request segment reached a node of another cluster than the
 * one its SYN reached. That cluster had no connection for it, so nothing could answer: the path
 * changed while the connection was open. (Its reset, when captured, makes the verdict `reset`.)
 */
function rehashedRequest(f: FailedRequest, trail: SynTrail, { ctx, rel }: Attribution): LostRequest | undefined {
  const synCluster = ctx.nodeCluster[trail.last.node]!;
  const elsewhere = trail.data.find(
    (p) => p.kind === 'request' && p.dir === 'In' && ctx.nodeCluster[p.node] && ctx.nodeCluster[p.node] !== synCluster,
  );
  if (!elsewhere) return undefined;
  const to = ctx.nodeCluster[elsewhere.node]!;
  return {
    ...f,
    verdict: 'rehashed',
    where: elsewhere.node,
    at: elsewhere.t,
    path: trail.path,
    rehashedFrom: synCluster,
    detail: `its SYN reached ${trail.last.node} (${synCluster}) at ${rel(trail.last.t)} and the handshake completed; its request reached ${elsewhere.node} (${to}) at ${rel(elsewhere.t)}, which had no connection for it (the path changed while it was open; no reset from ${elsewhere.node} was captured)`,
  };
}

/**
 * After a completed handshake with the node its SYN reached: where its request and the answer
 * went, from their segments ('' where the trail holds no data segments at all).
 */
function afterHandshake(f: FailedRequest, trail: SynTrail, { rel, dataCaptured }: Attribution): string {
  if (!dataCaptured) return '';
  const node = trail.last.node;
  const request = trail.data.filter((p) => p.kind === 'request');
  const answer = trail.data.filter((p) => p.kind === 'answer');
  const reached = request.find((p) => p.node === node && p.dir === 'In');
  if (!reached) {
    // Followed by its first transmission's IP id (a retransmission, seconds later and after the
    // probe gave up, gets its own and may end elsewhere).
    const left = request.find((p) => p.node === f.client && p.dir === 'Out');
    const lastIn = request.filter((p) => p.dir === 'In' && (!left || p.ipId === left.ipId)).at(-1);
    if (lastIn) return `; its request was last seen arriving at ${lastIn.node} at ${rel(lastIn.t)}`;
    if (left) return `; its request left ${f.client} at ${rel(left.t)} and no node received it`;
    return `; its request was captured nowhere, not even leaving ${f.client}`;
  }
  const sent = answer.find((p) => p.node === node && p.dir === 'Out');
  if (!sent) return `; ${node} received its request at ${rel(reached.t)} and sent no answer`;
  const back = answer.find((p) => p.node === f.client && p.dir === 'In');
  // When the node answered tells a late node (its echo pod not scheduled) from a late network;
  // when the answer reached the client, against when the probe gave up, a late probe from both.
  if (back) {
    const answered = `${node} answered at ${rel(sent.t)} (${Math.round(sent.t - reached.t)} ms after its request) and the answer reached ${f.client} at ${rel(back.t)}`;
    const gaveUp = f.ms === undefined ? undefined : f.t + f.ms;
    if (gaveUp !== undefined && back.t < gaveUp)
      return `; ${answered}, ${Math.round(gaveUp - back.t)} ms before the probe gave up at ${rel(gaveUp)}: the probe did not read an answer that had come (its own process was late, not the network)`;
    return `; ${answered}, after the probe gave up${gaveUp === undefined ? '' : ` at ${rel(gaveUp)}`}`;
  }
  const lastIn = answer.filter((p) => p.dir === 'In').at(-1);
  return `; ${node} answered at ${rel(sent.t)} and the answer ${lastIn ? `was last seen arriving at ${lastIn.node} at ${rel(lastIn.t)}` : 'reached no router'}`;
}

/** The nodes a path visits more than once (a loop), in the order first seen. */
function nodesSeenTwice(path: string[]): string[] {
  const visits = new Map<string, number>();
  for (const n of path) visits.set(n, (visits.get(n) ?? 0) + 1);
  return [...visits].filter(([, c]) => c > 1).map(([n]) => n);
}

/** Verdict → count, for the report. */
export function countVerdicts(losses: LostRequest[]): Partial<Record<LossVerdict, number>> {
  const out: Partial<Record<LossVerdict, number>> = {};
  for (const l of losses) out[l.verdict] = (out[l.verdict] ?? 0) + 1;
  return out;
}
