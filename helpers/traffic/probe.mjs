#!/usr/bin/env node
// The failover probe: runs inside a client's network namespace and opens a fresh TCP
// connection to the VIP every --interval-ms, each with a short timeout, recording one JSON
// line per request: {"t": start (epoch ms), "ms": duration, "sport", "ok", "cluster", "err"}.
// Each request binds its own source port, taken in turn from a range, so a request that never
// connected still has a port: the failover suite finds its packets by it. A port comes round
// again only after the whole range (40 000 requests, minutes at 100/s), long after the
// server's TIME_WAIT for it (60 s, TCP_TIMEWAIT_LEN) has ended.
// Bounded by --seconds and --max-requests, and stops on SIGTERM: it never runs on its own.
// Plain JavaScript so it starts in milliseconds inside a namespace (no TypeScript loader).
import { request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    // Names the lab this process belongs to, so a cleanup can find it by its command line.
    lab: { type: 'string' },
    target: { type: 'string' },
    'interval-ms': { type: 'string', default: '10' },
    'timeout-ms': { type: 'string', default: '300' },
    seconds: { type: 'string', default: '60' },
    'max-requests': { type: 'string', default: '20000' },
    // First source port; by default a random one, so back-to-back runs do not reuse ports.
    'first-port': { type: 'string' },
  },
});
if (!values.target) {
  process.stderr.write(
    'usage: probe.mjs --target <vip>:<port> [--interval-ms 10] [--timeout-ms 300] [--seconds 60] [--max-requests 20000]\n',
  );
  process.exit(2);
}
const [host, port] = [
  values.target.slice(0, values.target.lastIndexOf(':')),
  Number(values.target.slice(values.target.lastIndexOf(':') + 1)),
];
const interval = Number(values['interval-ms']);
const timeout = Number(values['timeout-ms']);
const maxRequests = Number(values['max-requests']);
const endAt = Date.now() + Number(values.seconds) * 1000;
const now = () => performance.timeOrigin + performance.now();
const PORTS = { from: 20000, to: 60000 };
let nextPort = values['first-port']
  ? Number(values['first-port'])
  : PORTS.from + Math.floor(Math.random() * (PORTS.to - PORTS.from));
const takePort = () => {
  const p = nextPort;
  nextPort = nextPort + 1 >= PORTS.to ? PORTS.from : nextPort + 1;
  return p;
};

let sent = 0;
let inflight = 0;
let stopping = false;
const out = [];
const flush = () => {
  if (out.length) process.stdout.write(out.splice(0).join('\n') + '\n');
};

function one() {
  const t = now();
  sent++;
  inflight++;
  const sport = takePort();
  let settled = false;
  const finish = (rec) => {
    if (settled) return;
    settled = true;
    inflight--;
    out.push(JSON.stringify({ t: Math.round(t * 10) / 10, ms: Math.round((now() - t) * 10) / 10, sport, ...rec }));
    // Lines go out at once so the harness can follow the run live.
    flush();
  };
  const req = request(
    { host, port, localPort: sport, path: '/', agent: false, timeout, headers: { connection: 'close' } },
    (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const m = /cluster=(\S+)/.exec(body);
        finish({
          ok: res.statusCode === 200,
          cluster: m ? m[1] : undefined,
          err: res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`,
        });
      });
    },
  );
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => finish({ ok: false, err: e.message }));
  req.end();
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
