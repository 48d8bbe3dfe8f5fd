#!/usr/bin/env node
// The emulated echo pod of the netns lab: answers like traefik/whoami (the image of
// fixtures/workloads/echo.yaml) so one parser reads replies from both labs.
//   GET /        text: "Name: <WHOAMI_NAME>", "Hostname: <pod>", "IP: ...", "RemoteAddr: <ip>:<port>", request line
//   GET /api     the same as JSON
//   GET /health  200
// Plain JavaScript on purpose: it starts in a few tens of milliseconds inside each node namespace.
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    // Names the lab this process belongs to, so a cleanup can find it by its command line.
    lab: { type: 'string' },
    // One per VIP:port the pod answers on (one per Service that selects it).
    listen: { type: 'string', multiple: true },
    name: { type: 'string', default: '' },
    hostname: { type: 'string' },
  },
});
if (!values.listen?.length || !values.hostname) {
  process.stderr.write(
    'usage: echo-server.mjs --listen <ip>:<port> [--listen …] --hostname <pod> [--name <whoami name>]\n',
  );
  process.exit(2);
}

const vips = new Set(values.listen.map((l) => l.slice(0, l.lastIndexOf(':'))));

/**
 * The node's addresses but the VIPs on its loopback (a real pod holds none of them; a node with
 * 1000 VIPs would list them all). Read at most once a second: getifaddrs on every request cost
 * ~7% of the pod's CPU under the failover probe's 100 connections a second, and no reader of the
 * reply looks at these lines (echo-reply.mjs reads Name, Hostname and RemoteAddr).
 */
let addresses = [];
let addressesAt = -Infinity;
function ips() {
  if (performance.now() - addressesAt < 1000) return addresses;
  addressesAt = performance.now();
  addresses = Object.values(networkInterfaces())
    .flat()
    .map((a) => a.address)
    .filter((a) => !vips.has(a));
  return addresses;
}

function answer(req, res) {
  const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/health') {
    res.writeHead(200).end();
    return;
  }
  if (url.pathname === '/api') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        hostname: values.hostname,
        ip: ips(),
        headers: req.headers,
        url: req.url,
        host: req.headers.host,
        method: req.method,
        name: values.name || undefined,
        remoteAddr: remote,
      }) + '\n',
    );
    return;
  }
  const lines = [];
  if (values.name) lines.push(`Name: ${values.name}`);
  lines.push(`Hostname: ${values.hostname}`);
  for (const ip of ips()) lines.push(`IP: ${ip}`);
  lines.push(`RemoteAddr: ${remote}`);
  lines.push(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`);
  const body = lines.join('\r\n') + '\r\n\r\n';
  // With Content-Length, as whoami's Go server sends a short reply (net/http buffers it), not chunked.
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// One server per VIP:port: a socket bound to the VIP answers only traffic for that VIP, as
// the datapath delivers only a Service's own VIP to its backends.
const servers = values.listen.map((listen) => {
  const sep = listen.lastIndexOf(':');
  const host = listen.slice(0, sep);
  const port = Number(listen.slice(sep + 1));
  const server = createServer(answer);
  server.keepAliveTimeout = 1000;
  server.listen(port, host);
  return server;
});
process.stdout.write(
  `echo: listening on ${values.listen.length === 1 ? values.listen[0] : `${values.listen.length} VIP:port`}\n`,
);
let open = servers.length;
for (const sig of ['SIGTERM', 'SIGINT'])
  process.on(sig, () => servers.forEach((s) => s.close(() => --open === 0 && process.exit(0))));
