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
    listen: { type: 'string' },
    name: { type: 'string', default: '' },
    hostname: { type: 'string' },
  },
});
if (!values.listen || !values.hostname) {
  process.stderr.write('usage: echo-server.mjs --listen <ip>:<port> --hostname <pod> [--name <whoami name>]\n');
  process.exit(2);
}
const sep = values.listen.lastIndexOf(':');
const host = values.listen.slice(0, sep);
const port = Number(values.listen.slice(sep + 1));

function ips() {
  return Object.values(networkInterfaces())
    .flat()
    .map((a) => a.address);
}

const server = createServer((req, res) => {
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
});
server.keepAliveTimeout = 1000;
server.listen(port, host, () => process.stdout.write(`echo: listening on ${host}:${port}\n`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
