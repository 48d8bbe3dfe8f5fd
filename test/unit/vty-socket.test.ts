/**
 * The vty socket read (helpers/providers/netns/vty-socket.ts) against a stand-in daemon that
 * speaks FRR's vtysh protocol: one NUL-terminated line in, the output then NUL NUL NUL <status>
 * out (lib/vty.c vtysh_read @frr-10.3). The live check is every lab suite's reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { vtyDaemonFor, vtySocketCommand } from '../../helpers/providers/netns/vty-socket.js';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  servers.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A stand-in daemon at a fresh socket path; `answer` writes the reply to each command line. */
async function daemon(answer: (line: string, sock: Socket) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'av-vty-'));
  dirs.push(dir);
  const path = join(dir, 'bgpd.vty');
  const server = createServer((sock) => {
    let buf = '';
    sock.on('data', (c) => {
      buf += c.toString('utf8');
      const nul = buf.indexOf('\0');
      if (nul >= 0) answer(buf.slice(0, nul), sock);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(path, r));
  return path;
}

const reply = (text: string, status = 0) => Buffer.concat([Buffer.from(text), Buffer.from([0, 0, 0, status])]);

describe('a read from FRR vty socket', () => {
  it('sends the line with its NUL and returns the output before the terminator, however it is split', async () => {
    const seen: string[] = [];
    const path = await daemon((line, sock) => {
      seen.push(line);
      const all = reply('{"ipv4Unicast":{}}\n');
      // Byte by byte, so the terminator arrives across reads.
      let i = 0;
      const step = () => (i < all.length ? sock.write(all.subarray(i, ++i), step) : undefined);
      step();
    });
    expect(await vtySocketCommand(path, 'show bgp summary json')).toBe('{"ipv4Unicast":{}}\n');
    expect(seen).toEqual(['show bgp summary json']);
  });

  it('takes what vtysh -c takes (CMD_WARNING) and fails on the rest, naming the status and the text', async () => {
    const warn = await daemon((_l, sock) => sock.write(reply('careful\n', 1)));
    expect(await vtySocketCommand(warn, 'show bgp x json')).toBe('careful\n');
    const nomatch = await daemon((l, sock) => sock.write(reply(`% [BGP] Unknown command: ${l}\n`, 2)));
    await expect(vtySocketCommand(nomatch, 'show bgp nonsense')).rejects.toThrow(
      /"show bgp nonsense" on .*bgpd\.vty: status CMD_ERR_NO_MATCH: % \[BGP\] Unknown command: show bgp nonsense/,
    );
  });

  it('names a daemon that is not running, one that hangs up, and one that never answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'av-vty-'));
    dirs.push(dir);
    await expect(vtySocketCommand(join(dir, 'bgpd.vty'), 'show bgp summary json')).rejects.toThrow(
      /bgpd\.vty: the daemon is not running \(ENOENT\)/,
    );
    const hangup = await daemon((_l, sock) => sock.end('partial'));
    await expect(vtySocketCommand(hangup, 'show bgp summary json')).rejects.toThrow(/closed the connection/);
    const silent = await daemon(() => {});
    await expect(vtySocketCommand(silent, 'show bgp summary json', 200)).rejects.toThrow(/no answer within 0.2 s/);
  });

  it('goes only to the one daemon that owns a command; the rest is left to vtysh', () => {
    expect(
      [
        'show bgp summary json',
        'show bgp ipv4 unicast 172.30.0.10/32 json',
        'show ip bgp json',
        'show ip route json',
        'show ipv6 route',
        'show running-config',
        'show version',
        'show bgpx',
        'configure terminal\nrouter bgp 1\nend',
      ].map(vtyDaemonFor),
    ).toEqual(['bgpd', 'bgpd', 'bgpd', 'zebra', 'zebra', undefined, undefined, undefined, undefined]);
  });
});
