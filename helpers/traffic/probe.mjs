#!/usr/bin/env node
// The failover probe: runs inside a client's network namespace and opens a fresh TCP
// connection to the VIP every --interval-ms, each with a short timeout, recording one JSON
// line per request: {"t": start (epoch ms), "ms": duration, "sport", "ok", "cluster", "err"}.
// A request the probe could not send at all (its bind or connect failed inside the client,
// before any packet left) is recorded as {"ok": false, "harness": "<cause>", "holders": [...]}:
// a fault of the test harness, never a lost request.
//
// Source ports. Each request binds its own source port, taken in turn from PROBE_PORTS, so a
// request that never connected still has a port: the failover suite finds its packets by it.
// Binding a port fails (EADDRINUSE) while another socket without SO_REUSEADDR holds it: a
// socket the kernel bound for a connect() (ephemeral, from net.ipv4.ip_local_port_range) or
// the TIME_WAIT such a socket leaves for 60 s; curl's --local-port flows of the client-paths
// suite are the same. The probe's own sockets never block it (Node sets SO_REUSEADDR on every
// bound socket, and none of them listens). So the range is, by construction:
// - outside the namespace's ephemeral range, which the probe reads at start-up and refuses to
//   overlap (the kernel hands out no port outside it; nothing needs a privileged sysctl, so
//   this also holds in the real lab's unprivileged sidecar);
// - disjoint from every other port range the harness binds in a client (held-connections.mjs,
//   traffic/flows.ts; test/unit/source-ports.test.ts checks the three);
// - large enough that no port comes round within one run (checked at start-up too), so a
//   request's packets are told apart by port and never meet a lingering socket of the probe's
//   own with the same four-tuple (which would fail connect() with EADDRNOTAVAIL);
// - started where no socket of the client holds a port of the run's range, read at start-up:
//   a socket an earlier run left lingering (LAST_ACK) would fail the same way (see main).
// Letting the kernel choose would avoid EADDRINUSE too, but the kernel may give a port back
// to the same VIP within seconds, and a port is only known after connect() returns: neither
// suits a trail searched by port.
// Bounded by --seconds and --max-requests, and stops on SIGTERM: it never runs on its own.
// Plain JavaScript so it starts in milliseconds inside a namespace (no TypeScript loader); its
// imports, client-ports.mjs, http-reply.mjs, ../readers/echo-reply.mjs and ../os/epoch-clock.mjs, are copied with it into the real
// lab's sidecar (CLIENT_SCRIPT_IMPORTS).
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  freeWindowStart,
  localCause,
  parsePortRange,
  portTaker,
  portRangeProblem,
  PROBE_PORTS,
  readHolders,
  readPortsInUse,
} from './client-ports.mjs';
import { getOnce, getRequest } from './http-reply.mjs';
import { parseEchoReply } from '../readers/echo-reply.mjs';
import { epochNow } from '../os/epoch-clock.mjs';

function main() {
  const { values } = parseArgs({
    options: {
      // Names the lab this process belongs to, so a cleanup can find it by its command line.
      lab: { type: 'string' },
      target: { type: 'string' },
      'interval-ms': { type: 'string', default: '10' },
      'timeout-ms': { type: 'string', default: '300' },
      seconds: { type: 'string', default: '60' },
      'max-requests': { type: 'string', default: '20000' },
      // First source port; by default a random one in PROBE_PORTS, so back-to-back runs start apart.
      'first-port': { type: 'string' },
    },
  });
  if (!values.target) {
    process.stderr.write(
      'usage: probe.mjs --target <vip>:<port> [--interval-ms 10] [--timeout-ms 300] [--seconds 60] [--max-requests 20000]\n',
    );
    process.exit(2);
  }
  const sep = values.target.lastIndexOf(':');
  const host = values.target.slice(0, sep);
  const port = Number(values.target.slice(sep + 1));
  const interval = Number(values['interval-ms']);
  const timeout = Number(values['timeout-ms']);
  const maxRequests = Math.min(
    Number(values['max-requests']),
    Math.ceil((Number(values.seconds) * 1000) / interval) + 1,
  );
  // A port plan the kernel would not honour is refused before the first request: exit 2 names it.
  const ephemeral = parsePortRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'));
  const problem = portRangeProblem(PROBE_PORTS, ephemeral, maxRequests);
  if (problem) {
    process.stderr.write(`probe.mjs: ${problem}\n`);
    process.exit(2);
  }
  // The ports some socket of this client holds now (one read of /proc/net/tcp): the run starts
  // where its whole range of ports is free, and passes over a held one where none is. A
  // connection to the VIP whose peer fell silent while it closed stays in LAST_ACK, resending its
  // FIN with backoff for up to ~100 s (tcp_orphan_retries), across fault runs: seen 2026-12-05,
  // silent-drop's probe met one from an earlier run (connect EADDRNOTAVAIL, a harness error). No
  // other process takes ports from PROBE_PORTS (client-ports.mjs), so what the start saw stays
  // true for the run; a port taken since is held by this run's own earlier request and never
  // comes round (maxRequests fits the range).
  const busy = readPortsInUse();
  const first = values['first-port'] ? Number(values['first-port']) : freeWindowStart(PROBE_PORTS, busy, maxRequests);
  run({ host, port, interval, timeout, maxRequests, endAt: Date.now() + Number(values.seconds) * 1000, first, busy });
}

function run({ host, port, interval, timeout, maxRequests, endAt, first, busy }) {
  const now = epochNow;
  const request = getRequest(host, port, { Connection: 'close' });
  let sent = 0;
  const nextPort = portTaker(PROBE_PORTS, first, busy);
  let inflight = 0;
  let stopping = false;
  const out = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.splice(0).join('\n') + '\n');
  };

  function one() {
    const t = now();
    const sport = nextPort();
    sent++;
    inflight++;
    getOnce({ host, port, sport, timeout, request }, ({ reply, error }) => {
      const harness = error && localCause(error);
      const rec = reply
        ? {
            ok: reply.status === 200,
            cluster: parseEchoReply(reply.body).cluster,
            err: reply.status === 200 ? undefined : `HTTP ${reply.status}`,
          }
        : harness
          ? // Who held the port, read at once: the evidence for the harness error.
            { ok: false, harness, holders: readHolders(sport) }
          : { ok: false, err: error.message };
      inflight--;
      out.push(JSON.stringify({ t: Math.round(t * 10) / 10, ms: Math.round((now() - t) * 10) / 10, sport, ...rec }));
      // Lines go out at once so the harness can follow the run live.
      flush();
    });
  }

  const timer = setInterval(() => {
    if (stopping || Date.now() >= endAt || sent >= maxRequests) return stop();
    one();
  }, interval);

  function stop() {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    const wait = setInterval(() => {
      if (inflight === 0) {
        clearInterval(wait);
        flush();
        process.exit(0);
      }
    }, 10);
    setTimeout(() => {
      flush();
      process.exit(0);
    }, timeout + 200);
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// Run only as a program: the unit tests import the port plan above without starting a probe.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) main();
