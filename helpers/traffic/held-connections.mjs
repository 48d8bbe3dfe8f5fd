#!/usr/bin/env node
// Long-lived connections: runs inside a client's network namespace and holds --connections
// TCP connections to the VIP, each from a source port it chose, with one HTTP/1.1 keep-alive
// request on each every --interval-ms. It prints one JSON line per event, as it happens:
//   {"ev":"open","c":<id>,"slot":<n>,"sport":<port>,"t":<epoch ms>}     a connection is up
//   {"ev":"served","c":<id>,"t":...,"cluster":"<c>"}                      its first answer, and
//                                                                          any answer from another cluster
//   {"ev":"broke","c":<id>,"t":...,"how":"reset|timeout|closed|connect","err":"...","lastOk":<t>}
//   {"ev":"end","c":<id>,"t":...,"requests":<n>}                           still up when stopped
//   {"ev":"harness","c":<id>,"slot":<n>,"sport":<port>,"t":...,"cause":"..."}  never sent: its bind or
//                                                                          connect failed inside the client
//   {"ev":"sweep","t":...}      every connection open now has been answered on a request sent at or after t
// A slot whose connection broke opens a new one (new id, next port) after --reopen-ms, so the
// client keeps --connections open through a fault and its fail-back, as a real client pool does.
// HTTP is written by hand on a raw socket so that nothing reconnects behind our back (an HTTP
// agent would silently open a new socket, hiding the very break we measure).
// Bounded by --seconds, stops on SIGTERM. Plain JavaScript: it starts in milliseconds; its
// imports, client-ports.mjs, http-reply.mjs and ../readers/echo-reply.mjs, are copied with it into the real
// lab's sidecar (CLIENT_SCRIPT_IMPORTS).
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import {
  freeWindowStart,
  HELD_PORTS,
  localCause,
  parsePortRange,
  portTaker,
  portRangeProblem,
  readPortsInUse,
} from './client-ports.mjs';
import { getRequest, takeReply } from './http-reply.mjs';
import { parseEchoReply } from '../readers/echo-reply.mjs';
import { epochNow } from '../os/epoch-clock.mjs';

const { values } = parseArgs({
  options: {
    // Names the lab this process belongs to, so a cleanup can find it by its command line.
    lab: { type: 'string' },
    target: { type: 'string' },
    connections: { type: 'string', default: '64' },
    'interval-ms': { type: 'string', default: '100' },
    'timeout-ms': { type: 'string', default: '1000' },
    'reopen-ms': { type: 'string', default: '50' },
    seconds: { type: 'string', default: '120' },
    'first-port': { type: 'string' },
  },
});
if (!values.target) {
  process.stderr.write(
    'usage: held-connections.mjs --target <vip>:<port> [--connections 64] [--interval-ms 100] [--timeout-ms 1000] [--seconds 120] [--first-port P]\n',
  );
  process.exit(2);
}
const sep = values.target.lastIndexOf(':');
const host = values.target.slice(0, sep);
const port = Number(values.target.slice(sep + 1));
const N = Number(values.connections);
const interval = Number(values['interval-ms']);
const timeout = Number(values['timeout-ms']);
const reopenMs = Number(values['reopen-ms']);
const endAt = Date.now() + Number(values.seconds) * 1000;
const now = () => Math.round(epochNow() * 10) / 10;
// Ports taken in turn from HELD_PORTS (client-ports.mjs), starting at a random point so
// back-to-back runs differ: below the kernel's ephemeral range (refused at start-up if the
// namespace's overlaps) and apart from the failover probe's and the flows' ranges, so no socket
// without SO_REUSEADDR (curl's, or one the kernel bound) ever holds one (see probe.mjs).
// Connections reuse ports in turn (requests 0: no "once per run" bound, unlike the probe).
const problem = portRangeProblem(
  HELD_PORTS,
  parsePortRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')),
  0,
);
if (problem) {
  process.stderr.write(`held-connections.mjs: ${problem}\n`);
  process.exit(2);
}
// The start: at random among those whose next PORT_WINDOW ports no socket of this client holds
// (client-ports.mjs freeWindowStart says why a window, not a skip per port: a port an earlier
// script left in TIME_WAIT was hashed to a survivor, so skipping busy ports biases the sample).
// The window covers every connection opened once and reopened after the fault and after the
// fail-back, with room to spare. Beyond it, a port still held is passed over (connecting from it
// would fail with EADDRNOTAVAIL); after a whole round of busy ports the next one is taken.
const PORT_WINDOW = N * 4;
// The ports some socket of this client held at the start (one read of /proc/net/tcp), and every
// port taken since: a port among them is passed over. Read once, not per connection: the probe
// beside it leaves thousands of sockets in TIME_WAIT, and one read and parse of them costs ~25 ms
// of CPU (measured 2026-12-05: 64 lookups in a 6000-row table took 1.56 s on an idle core), which
// made 64 connections take 3–6 s to open under load. No other process takes ports from
// HELD_PORTS (client-ports.mjs keeps the ranges apart), so what the start saw stays true.
const busy = readPortsInUse();
const first = values['first-port'] ? Number(values['first-port']) : freeWindowStart(HELD_PORTS, busy, PORT_WINDOW);
const takePort = portTaker(HELD_PORTS, first, busy);
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const request = getRequest(host, port, { 'User-Agent': 'anycast-verify-held' });

let nextId = 0;
let stopping = false;
const live = new Set();

/** One connection in one slot; when it breaks, the slot opens the next one. */
function open(slot) {
  if (stopping || Date.now() >= endAt) return;
  const c = {
    id: nextId++,
    slot,
    sport: takePort(),
    connected: false,
    cluster: undefined,
    lastOk: undefined,
    requests: 0,
    pending: undefined,
    buf: '',
    done: false,
    createdAt: now(),
  };
  live.add(c);
  const sock = connect({ host, port, localPort: c.sport, noDelay: true });
  c.sock = sock;
  sock.setEncoding('latin1');
  const broke = (how, err) => {
    if (c.done) return;
    c.done = true;
    live.delete(c);
    clearTimeout(c.pending);
    clearInterval(c.ticker);
    sock.destroy();
    emit({ ev: 'broke', c: c.id, t: now(), how: c.connected ? how : 'connect', err, lastOk: c.lastOk });
    setTimeout(() => open(slot), reopenMs);
  };
  c.broke = broke;
  sock.setTimeout(timeout, () => broke('timeout', `no answer within ${timeout} ms`));
  sock.on('connect', () => {
    c.connected = true;
    emit({ ev: 'open', c: c.id, slot, sport: c.sport, t: now() });
    sock.setTimeout(0);
    const send = () => {
      if (c.pending || c.done) return;
      c.sentAt = now();
      sock.write(request);
      c.pending = setTimeout(() => broke('timeout', `no answer within ${timeout} ms`), timeout);
    };
    send();
    // Spread the slots over the interval so the load is even.
    setTimeout(() => (c.ticker = setInterval(send, interval)), (slot * interval) / N);
  });
  sock.on('data', (d) => {
    c.buf += d;
    for (;;) {
      const reply = takeReply(c.buf);
      if (!reply) return;
      const body = reply.body;
      c.buf = c.buf.slice(reply.length);
      clearTimeout(c.pending);
      c.pending = undefined;
      c.requests++;
      c.lastOk = now();
      c.answeredSent = c.sentAt;
      const cluster = parseEchoReply(body).cluster;
      if (cluster !== c.cluster) emit({ ev: 'served', c: c.id, t: c.lastOk, cluster });
      c.cluster = cluster;
    }
  });
  sock.on('error', (e) => {
    // Failed inside the client before any packet left (bind or a local connect error): a
    // harness error, reported as such, never as a connection that broke.
    const cause = c.connected ? undefined : localCause(e);
    if (cause) emit({ ev: 'harness', c: c.id, slot, sport: c.sport, t: now(), cause });
    broke(e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 'reset' : 'error', e.code ?? e.message);
  });
  sock.on('close', () => broke('closed', 'the server closed the connection'));
}

for (let s = 0; s < N; s++) setTimeout(() => open(s), (s * interval) / N);

// The sweep: the latest t such that every connection open now has had a request sent at or
// after t answered (one opened later counts from its opening). A connection that has not
// answered since holds it back until it answers or breaks, so a sweep past a FIB change proves
// every connection has met the new FIB: the observer waits for it instead of a fixed time.
let swept = -Infinity;
setInterval(() => {
  if (stopping || live.size === 0) return;
  let t = Infinity;
  for (const c of live) t = Math.min(t, c.answeredSent ?? c.createdAt);
  if (t > swept) emit({ ev: 'sweep', t: (swept = t) });
}, interval).unref();

function stop() {
  if (stopping) return;
  stopping = true;
  for (const c of live) {
    c.done = true;
    clearTimeout(c.pending);
    clearInterval(c.ticker);
    if (c.connected) emit({ ev: 'end', c: c.id, t: now(), requests: c.requests });
    c.sock.destroy();
  }
  // Let stdout drain before exiting.
  setTimeout(() => process.exit(0), 50);
}
setTimeout(stop, Math.max(0, endAt - Date.now()));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
