#!/usr/bin/env node
// Suite 3's flows: runs inside a client's network namespace and sends one GET to the VIP from
// each source port given, one connection after another, printing one JSON line per flow:
// {"sport", "ok", "cluster", "err"}, or {"sport", "ok": false, "harness": "<cause>"} when the
// flow could not be sent at all (its bind or connect failed inside the client: a port some
// socket still holds), which the suite retries from another port.
// One process per client and VIP instead of a shell loop of curl (a curl, a shell and a head per
// flow): suite 3 took 10.8 s of tests and 26.7 busy core-seconds of the host with curl, 2.2 s and
// 15.2 with this (one run each, bring-up included, 2026-12-05, 2-core host: `node
// scripts/cpu-by-process.mjs -- npx vitest run --project lab suites/3-client-paths.test.ts`).
// Plain JavaScript so it starts in milliseconds inside a namespace; its imports are copied with
// it into the real lab's sidecar (CLIENT_SCRIPT_IMPORTS).
import { parseArgs } from 'node:util';
import { localCause } from './client-ports.mjs';
import { getOnce, getRequest } from './http-reply.mjs';
import { parseEchoReply } from '../readers/echo-reply.mjs';

/** One flow's line: who answered, or why nobody did. */
function flowRecord(sport, { reply, error }) {
  if (reply) {
    const cluster = parseEchoReply(reply.body).cluster;
    if (reply.status !== 200) return { sport, ok: false, err: `HTTP ${reply.status}` };
    return cluster ? { sport, ok: true, cluster } : { sport, ok: false, err: 'the reply names no cluster' };
  }
  const harness = localCause(error);
  return harness ? { sport, ok: false, harness } : { sport, ok: false, err: error.message };
}

async function main() {
  const { values } = parseArgs({
    options: {
      // Names the lab this process belongs to, so a cleanup can find it by its command line.
      lab: { type: 'string' },
      target: { type: 'string' },
      sports: { type: 'string' },
      'timeout-ms': { type: 'string', default: '2000' },
    },
  });
  const sports = (values.sports ?? '').split(',').filter(Boolean).map(Number);
  if (!values.target || sports.length === 0 || sports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    process.stderr.write('usage: flows.mjs --target <vip>:<port> --sports <port>,<port>,… [--timeout-ms 2000]\n');
    process.exit(2);
  }
  const sep = values.target.lastIndexOf(':');
  const host = values.target.slice(0, sep);
  const port = Number(values.target.slice(sep + 1));
  const timeout = Number(values['timeout-ms']);
  const request = getRequest(host, port, { Connection: 'close' });
  for (const sport of sports) {
    const outcome = await new Promise((done) => getOnce({ host, port, sport, timeout, request }, done));
    process.stdout.write(`${JSON.stringify(flowRecord(sport, outcome))}\n`);
  }
}

await main();
