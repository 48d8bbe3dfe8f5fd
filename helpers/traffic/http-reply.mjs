// One HTTP/1.1 reply read off a raw socket, for the client scripts that write HTTP by hand
// (probe.mjs, flows.mjs, held-connections.mjs): they use no HTTP agent, so nothing reconnects
// behind their back, and the probe opens 100 connections a second per client, where node:http's
// request and response objects cost more: probe.mjs for 10 s at 100 requests a second against the
// echo server in a scratch namespace, 3 runs each, 2026-12-05, 2-core host: 1.53–1.66 s of CPU with node:http,
// 1.20–1.38 s by hand (the echo server's own CPU unchanged, 0.5–1.0 s either way).
// Plain JavaScript with no dependencies but Node's: copied beside the scripts into the real lab's
// sidecar (providers/containerlab/probe-sidecar.ts CLIENT_SCRIPT_IMPORTS).

import { connect } from 'node:net';

/**
 * One whole HTTP/1.1 reply at the start of `buf` (the socket read as latin1, one character a
 * byte, so Content-Length and chunk sizes count characters): its status, its body (decoded as
 * UTF-8) and how many characters it took; undefined while incomplete.
 */
export function takeReply(buf) {
  const head = buf.indexOf('\r\n\r\n');
  if (head < 0) return undefined;
  const headers = buf.slice(0, head);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headers)?.[1] ?? 0);
  let at = head + 4;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(headers)) {
    let body = '';
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(buf.slice(at, eol), 16);
      if (buf.length < eol + 2 + size + 2) return undefined;
      if (size === 0) return { status, body: utf8(body), length: eol + 4 };
      body += buf.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }
  const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0);
  if (buf.length < at + len) return undefined;
  return { status, body: utf8(buf.slice(at, at + len)), length: at + len };
}

/**
 * One GET over a fresh socket from `sport`, by hand, as node:http would send it with no agent
 * and `connection: close`: the same packets and the same end (the server closes; the socket ends
 * its side when it reads the server's FIN). `done` is called once: with the whole reply, or with
 * the error that ended the socket first (a close before a whole reply is node:http's hang-up).
 */
export function getOnce({ host, port, sport, timeout, request }, done) {
  let settled = false;
  const settle = (outcome) => {
    if (settled) return;
    settled = true;
    done(outcome);
  };
  const sock = connect({ host, port, localPort: sport });
  sock.setEncoding('latin1');
  sock.setTimeout(timeout, () => sock.destroy(new Error('timeout')));
  let buf = '';
  sock.on('connect', () => sock.write(request));
  sock.on('data', (d) => {
    buf += d;
    const reply = takeReply(buf);
    if (reply) settle({ reply });
  });
  sock.on('error', (error) => settle({ error }));
  sock.on('close', () => settle({ error: new Error('socket hang up') }));
}

const utf8 = (latin1) => Buffer.from(latin1, 'latin1').toString('utf8');

/** The request line and headers of a GET of / on `host`:`port` (the Host header as node:http writes it). */
export function getRequest(host, port, headers = {}) {
  const lines = [`GET / HTTP/1.1`, `Host: ${port === 80 ? host : `${host}:${port}`}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
