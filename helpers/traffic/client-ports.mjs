// The source-port plan and harness-error helpers the client scripts share (probe.mjs,
// held-connections.mjs): plain JavaScript with no dependencies, imported by its siblings and
// copied beside them into the real lab's sidecar (providers/containerlab/probe-sidecar.ts).
//
// Each script binds source ports from a range of its own (below), so that no socket without
// SO_REUSEADDR can hold a port it binds: probe.mjs explains the plan. Suite 3's curl flows
// take the third range (helpers/traffic/flows.ts FLOW_PORTS); test/unit/source-ports.test.ts
// checks the three are apart and outside Linux's default ephemeral range.
import { readFileSync } from 'node:fs';

/** The failover probe's source ports, [from, to): below Linux's default ephemeral range (32768-60999). */
export const PROBE_PORTS = { from: 12000, to: 32000 };

/** The held connections' source ports: 4000 connections before a port comes round, long after any TIME_WAIT. */
export const HELD_PORTS = { from: 8000, to: 12000 };

/** `net.ipv4.ip_local_port_range` as the kernel prints it ("32768\t60999"), as [from, to). */
export function parsePortRange(text) {
  const [lo, hi] = text.trim().split(/\s+/).map(Number);
  if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new Error(`not a port range: "${text.trim()}"`);
  return { from: lo, to: hi + 1 };
}

/** Why `range` cannot serve `requests` requests in a namespace whose ephemeral range is `ephemeral`; undefined when it can. */
export function portRangeProblem(range, ephemeral, requests) {
  if (range.from < 1024 || range.to > 65536 || range.from >= range.to)
    return `bad port range ${range.from}-${range.to - 1}`;
  if (range.from < ephemeral.to && ephemeral.from < range.to)
    return `source ports ${range.from}-${range.to - 1} overlap the namespace's ephemeral range ${ephemeral.from}-${ephemeral.to - 1} (net.ipv4.ip_local_port_range): the kernel could hand them to other sockets`;
  if (requests > range.to - range.from)
    return `${requests} requests would reuse source ports within one run (only ${range.to - range.from} in ${range.from}-${range.to - 1})`;
  return undefined;
}

/** The i-th port taken in turn from `range`, starting at `first`. */
export function portAt(range, first, i) {
  const size = range.to - range.from;
  return range.from + ((((first - range.from + i) % size) + size) % size);
}

/**
 * Ports taken in turn from `range`, starting at `first`, passing over each port in `busy` (the
 * ports some socket of the client held at the script's start, read once: readPortsInUse) and
 * adding each port it takes to it; after a whole round of busy ports the next one is taken.
 */
export function portTaker(range, first, busy) {
  const size = range.to - range.from;
  let taken = 0;
  return () => {
    let p = portAt(range, first, taken++);
    for (let tries = 0; tries < size && busy.has(p); tries++) p = portAt(range, first, taken++);
    busy.add(p);
    return p;
  };
}

/** Error codes of a bind or connect that failed inside the client, before any packet left it. */
const LOCAL_CODES = new Set([
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'ENOBUFS',
  'ENOMEM',
  'EMFILE',
  'ENFILE',
  'EACCES',
  'EPERM',
  'EINVAL',
]);

/**
 * The cause, when a request's (or connection's) error arose in the client before any packet left it (a harness
 * fault); undefined for what the network did (timeout, reset, refused, unreachable).
 */
export function localCause(err) {
  if (err.syscall === 'bind' || LOCAL_CODES.has(err.code)) return err.message;
  return undefined;
}

const TCP_STATES = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/** "0B64A8C0:4E20" (little-endian IPv4 as /proc/net/tcp prints it) → "192.168.100.11:20000". */
function procAddress(hex) {
  const [ip, port] = hex.split(':');
  const v4 =
    ip.length === 8
      ? ip
          .match(/../g)
          .reverse()
          .map((b) => parseInt(b, 16))
          .join('.')
      : `[${ip}]`;
  return `${v4}:${parseInt(port, 16)}`;
}

/**
 * The namespace's sockets on local port `port` (from /proc/net/tcp and tcp6, which show the
 * reader's own namespace), one "STATE local -> remote" each: what held a port the probe could not bind.
 */
export function portHolders(procNetTcp, port) {
  return socketRows(procNetTcp)
    .filter((f) => localPort(f) === port)
    .map((f) => `${TCP_STATES[f[3]] ?? f[3]} ${procAddress(f[1])} -> ${procAddress(f[2])}`);
}

/** The socket rows of /proc/net/tcp text, split into fields (the header line left out). */
function socketRows(procNetTcp) {
  return procNetTcp
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^\d+:$/.test(f[0] ?? ''));
}

/** A row's local port (local_address is hex "ADDR:PORT"). */
const localPort = (f) => parseInt(f[1].split(':')[1], 16);

/** /proc/net/tcp and tcp6 of the reader's namespace, one text. */
function readProcNetTcp() {
  const read = (f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  return `${read('/proc/net/tcp')}\n${read('/proc/net/tcp6')}`;
}

/** The sockets holding local `port` in the reader's namespace (portHolders over /proc/net/tcp and tcp6). */
export function readHolders(port) {
  return portHolders(readProcNetTcp(), port);
}

/** Every local port some socket holds in `procNetTcp` (any state, TIME_WAIT included). */
export function portsInUse(procNetTcp) {
  return new Set(socketRows(procNetTcp).map(localPort));
}

/** portsInUse of the reader's namespace, now. */
export function readPortsInUse() {
  return portsInUse(readProcNetTcp());
}

/**
 * Where a script starts taking ports in turn from `range`: at random among the starts whose next
 * `window` ports no socket holds, else (none such) anywhere at random. Why whole windows, not
 * skipping each busy port: a port still held by an earlier script of the same client is in
 * TIME_WAIT because its connection was closed in order, i.e. survived that script's fault, i.e.
 * was hashed to a surviving next hop. The hash of a four-tuple never changes, so skipping the busy
 * ports keeps exactly those that hashed to the failed cluster before: in one flake-loop run,
 * 101 of 128 held connections sat on the victim cluster (band 41..87). A window no earlier
 * connection holds is a fresh sample of the hash. `random` returns [0, 1).
 */
export function freeWindowStart(range, busy, window, random = Math.random) {
  const size = range.to - range.from;
  const w = Math.min(window, size);
  const held = (i) => (busy.has(portAt(range, range.from, i)) ? 1 : 0);
  // Sliding count of held ports in [i, i + w), round the range.
  let inWindow = 0;
  for (let i = 0; i < w; i++) inWindow += held(i);
  const free = [];
  for (let i = 0; i < size; i++) {
    if (inWindow === 0) free.push(i);
    inWindow += held(i + w) - held(i);
  }
  const pick = free.length ? free[Math.floor(random() * free.length)] : Math.floor(random() * size);
  return range.from + pick;
}
