/**
 * The one parser of the echo service's reply (helpers/readers/echo-reply.mjs), as every reader
 * of it uses it: the curl probes and the client scripts (probe.mjs, flows.mjs,
 * held-connections.mjs) run as programs against the netns lab's own echo server on loopback.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseEchoReply } from '../../helpers/readers/echo-reply.mjs';
import { parseManyReplies } from '../../helpers/readers/http-probe.js';
import { FLOWS_SCRIPT, parseFlows } from '../../helpers/traffic/flows.js';
import { PROBE_SCRIPT } from '../../helpers/traffic/probe.js';
import { PROBE_PORTS } from '../../helpers/traffic/client-ports.mjs';
import { HELD_SCRIPT } from '../../helpers/traffic/held-connections.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const ECHO_SERVER = join(PROJECT_ROOT, 'helpers', 'providers', 'netns', 'echo-server.mjs');
const NAME = 'cluster=cluster01 node=cluster01-node pod=echo-1';
/** A reply as whoami writes it: the request's headers echoed after the fields. */
const REPLY = `Name: ${NAME}\r\nHostname: echo-1\r\nIP: 10.244.0.5\r\nRemoteAddr: 192.168.100.11:40001\r\nGET / HTTP/1.1\r\nHost: 172.30.0.10\r\nX-Note: cluster=elsewhere\r\n\r\n`;

describe('the echo reply', () => {
  it('names the cluster, node and pod that served, and the client address:port as the server saw it', () => {
    expect(parseEchoReply(REPLY)).toEqual({
      cluster: 'cluster01',
      node: 'cluster01-node',
      pod: 'echo-1',
      hostname: 'echo-1',
      remoteIp: '192.168.100.11',
      remotePort: 40001,
    });
  });

  it('reads the cluster from the Name line only: an echoed header or a missing name is no cluster', () => {
    expect(parseEchoReply(REPLY.replace(/^Name: .*\r\n/, '')).cluster).toBeUndefined();
    expect(parseEchoReply('Name: cluster= node=n\n').cluster).toBeUndefined();
    expect(parseEchoReply('Name: node=n cluster=a=b\n').cluster).toBe('a=b');
    expect(parseEchoReply('RemoteAddr: [fd00::11]:40001').remoteIp).toBe('fd00::11');
    expect(parseEchoReply('curl: (28) Connection timed out after 2001 milliseconds')).toEqual({});
  });

  it("reads curl's replies (one or many) the same way", () => {
    const many = parseManyReplies(`${REPLY}\n@@anycast-verify@@ http://172.30.0.10:80/ 0 \n`, [
      { vip: '172.30.0.10', port: 80 },
    ]);
    expect(many.get('172.30.0.10:80')).toEqual({ ok: true, reply: parseEchoReply(REPLY) });
  });

  it("reads the flows' lines: the cluster, the error, a port never sent from, a port never reported", () => {
    const out = [
      { sport: 4001, ok: true, cluster: 'cluster01' },
      { sport: 4002, ok: false, err: 'connect ECONNREFUSED 172.30.0.10:80' },
      { sport: 4003, ok: false, harness: 'connect EADDRNOTAVAIL 172.30.0.10:80 - Local (0.0.0.0:4003)' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect(parseFlows(`${out}\n`, [4001, 4002, 4003, 4004])).toEqual([
      { sport: 4001, cluster: 'cluster01' },
      { sport: 4002, error: 'connect ECONNREFUSED 172.30.0.10:80' },
      { sport: 4003, error: 'connect EADDRNOTAVAIL 172.30.0.10:80 - Local (0.0.0.0:4003)', harness: true },
      { sport: 4004, error: 'no result (the flows stopped before this port)' },
    ]);
  });

  it('has no second parser: nothing else in helpers/ matches "cluster=" itself', () => {
    const files = readdirSync(join(PROJECT_ROOT, 'helpers'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|mjs)$/.test(f) && !f.endsWith('echo-reply.mjs'))
      .filter((f) => /cluster=\(|[/'"`]cluster=/.test(readFileSync(join(PROJECT_ROOT, 'helpers', f), 'utf8')));
    expect(files).toEqual([]);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** The netns lab's echo server on loopback (a socket in this namespace; nothing added to it). */
async function withEchoServer(fn: (target: string) => Promise<void>): Promise<void> {
  const port = await freePort();
  const server = execa(process.execPath, [
    ECHO_SERVER,
    '--listen',
    `127.0.0.1:${port}`,
    '--hostname',
    'echo-1',
    '--name',
    NAME,
  ]);
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`echo-server.mjs exited ${code}`)));
    });
    await fn(`127.0.0.1:${port}`);
  } finally {
    server.kill('SIGTERM');
    await server.catch(() => undefined);
  }
}

/** probe.mjs against `target` with `args`, its records. */
async function runProbe(target: string, args: string[]): Promise<{ ok: boolean; sport: number; cluster?: string }[]> {
  // Generous timeout: a loaded host must not turn a slow answer into a lost one here.
  const r = await execa(process.execPath, [PROBE_SCRIPT, '--target', target, '--timeout-ms', '3000', ...args]);
  return r.stdout.split('\n').map((l) => JSON.parse(l) as { ok: boolean; sport: number; cluster?: string });
}

describe('the client scripts read the echo server through the same parser', () => {
  it('probe.mjs records the cluster of every answer', async () => {
    await withEchoServer(async (target) => {
      const records = await runProbe(target, ['--seconds', '0.3', '--interval-ms', '50']);
      expect(records.length).toBeGreaterThan(0);
      expect(records.filter((x) => !x.ok || x.cluster !== 'cluster01')).toEqual([]);
    });
  });

  // A socket an earlier run left (LAST_ACK, resending its FIN to a silent peer) holds its port for
  // up to ~100 s, and a request from it to the same VIP fails (connect EADDRNOTAVAIL): probe.mjs
  // reads the client's ports at start and never binds a held one. Here a listener holds the port
  // the probe is told to start at (a LAST_ACK cannot be made without a silent peer).
  it('probe.mjs passes over a source port another socket holds', async () => {
    const holder = createServer();
    let held = PROBE_PORTS.from + 5000;
    for (; ; held++) {
      const ok = await new Promise<boolean>((resolve) => {
        holder.once('error', () => resolve(false));
        holder.listen(held, '127.0.0.1', () => resolve(true));
      });
      if (ok) break;
    }
    try {
      await withEchoServer(async (target) => {
        const records = await runProbe(target, [
          '--first-port',
          String(held),
          '--max-requests',
          '3',
          '--interval-ms',
          '20',
        ]);
        expect(records.map((x) => x.sport)).toEqual([held + 1, held + 2, held + 3]);
        expect(records.filter((x) => !x.ok)).toEqual([]);
      });
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  // Suite 3's flows: one GET from each port given; a port a listener holds cannot be sent from
  // (bind EADDRINUSE), which is the harness's, named as such, and the suite retries it elsewhere.
  it('flows.mjs reports the cluster for each source port, and a held port as never sent', async () => {
    const holder = createServer();
    const held = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
    );
    try {
      await withEchoServer(async (target) => {
        const sports = [held + 1, held, held + 2].map((p) => (p > 65535 ? p - 2000 : p));
        const r = await execa(process.execPath, [FLOWS_SCRIPT, '--target', target, '--sports', sports.join(',')]);
        const flows = parseFlows(r.stdout, sports);
        expect(flows.filter((f) => f.sport !== held)).toEqual(
          sports.filter((p) => p !== held).map((sport) => ({ sport, cluster: 'cluster01' })),
        );
        expect(flows.find((f) => f.sport === held)).toMatchObject({ harness: true, error: /EADDRINUSE/ });
      });
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('held-connections.mjs reports the cluster each connection is served by', async () => {
    await withEchoServer(async (target) => {
      const r = await execa(process.execPath, [
        HELD_SCRIPT,
        '--target',
        target,
        '--connections',
        '2',
        '--seconds',
        '1',
        '--timeout-ms',
        '3000',
      ]);
      const events = r.stdout.split('\n').map((l) => JSON.parse(l) as { ev: string; cluster?: string });
      // "served" is printed for a connection's first answer, and whenever another cluster answers.
      const served = events.filter((e) => e.ev === 'served');
      expect(served.length).toBeGreaterThan(0);
      expect(served.filter((e) => e.cluster !== 'cluster01')).toEqual([]);
    });
  });
});
