/**
 * A read of a router's FRR straight from the daemon's vty socket, the way vtysh itself talks
 * to it, without starting vtysh. On the netns lab every `vtysh -c` is six processes
 * (`ip netns exec`, sh, two mounts, chroot, vtysh, and PAM's unix_chkpwd): ~75 ms of CPU each on
 * the 2-core host, against ~0.3 ms for the same read over the socket (2026-12-04, 20 vtysh reads
 * of `show bgp summary json` in 1.46 s; 200 socket reads in 56 ms). A fault scenario makes a few
 * dozen of them, and bring-up polls with them: on 2 cores that CPU is what bgpd and zebra need.
 *
 * The protocol (lib/vty.c vtysh_read, vtysh/vtysh.c vtysh_client_run, the same at frr-8.4.4,
 * frr-10.3 and frr-10.7.0): the client writes one command line ending in a NUL byte; the daemon
 * runs it from VIEW_NODE (vtysh_accept sets `vty->node = VIEW_NODE`, lib/vty.c:2186 @frr-10.3)
 * and answers with its output followed by three NUL bytes and the command's status byte
 * (lib/vty.c:2348-2470 @frr-10.3; vtysh/vtysh.c:243-330). vtysh -c exits 1 unless the status is
 * CMD_SUCCESS, CMD_WARNING or CMD_SUCCESS_DAEMON (vtysh/vtysh_main.c:540-550 @frr-10.3): so here.
 *
 * Only commands whose one owning daemon is known go this way (vtyDaemonFor): vtysh sends a
 * command to the daemons in its `cmd->daemon` mask (vtysh.c:615-650 @frr-10.3); BGP's show
 * commands belong to bgpd alone, the RIB's to zebra alone. Anything else (configuration, `show
 * running-config`, which vtysh assembles from every daemon, `show version`) still runs vtysh.
 * The sockets sit in the router's pathspace folder of the runtime, which the host sees at
 * frrPaths().runtime (the daemons run chrooted, not in a mount namespace of their own).
 */
import { connect } from 'node:net';
import { join } from 'node:path';

/** The daemon whose vty answers `command` alone, or undefined when vtysh must route it. */
export function vtyDaemonFor(command: string): 'bgpd' | 'zebra' | undefined {
  const line = command.trim();
  if (line.includes('\n')) return undefined;
  if (/^show (ip )?bgp( |$)/.test(line)) return 'bgpd';
  if (/^show (ip|ipv6) route( |$)/.test(line)) return 'zebra';
  return undefined;
}

/** Status bytes vtysh -c accepts (lib/command.h: CMD_SUCCESS 0, CMD_WARNING 1, CMD_SUCCESS_DAEMON 10). */
const ACCEPTED = new Set([0, 1, 10]);

/** lib/command.h names of the other statuses, for the error. */
const STATUS_NAMES: Record<number, string> = {
  2: 'CMD_ERR_NO_MATCH',
  3: 'CMD_ERR_AMBIGUOUS',
  4: 'CMD_ERR_INCOMPLETE',
  13: 'CMD_WARNING_CONFIG_FAILED',
  16: 'CMD_ERR_NO_DAEMON',
};

export class VtySocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VtySocketError';
  }
}

/** The output of `command` from the vty socket at `socketPath`, as `vtysh -c` prints it. */
export function vtySocketCommand(socketPath: string, command: string, timeoutMs = 15_000): Promise<string> {
  const what = `"${command}" on ${socketPath}`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const sock = connect(socketPath);
    const fail = (message: string) => {
      sock.destroy();
      if (!settled) reject(new VtySocketError(message));
      settled = true;
    };
    sock.setTimeout(timeoutMs, () => fail(`${what}: no answer within ${timeoutMs / 1000} s`));
    sock.on('connect', () => sock.write(`${command.trim()}\0`));
    sock.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      // The answer ends with NUL NUL NUL <status>; the text before it holds no NUL.
      const last = chunk.length >= 4 ? chunk : Buffer.concat(chunks).subarray(-4);
      const n = last.length;
      if (n < 4 || last[n - 4] !== 0 || last[n - 3] !== 0 || last[n - 2] !== 0) return;
      const all = Buffer.concat(chunks, size);
      const status = all[all.length - 1]!;
      const text = all.subarray(0, all.length - 4).toString('utf8');
      if (ACCEPTED.has(status)) {
        settled = true;
        sock.end();
        resolve(text);
      } else fail(`${what}: status ${STATUS_NAMES[status] ?? status}${text.trim() ? `: ${text.trim()}` : ''}`);
    });
    sock.on('end', () => fail(`${what}: the daemon closed the connection before answering`));
    sock.on('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
          ? `${what}: the daemon is not running (${e.code})`
          : `${what}: ${e.message}`,
      ),
    );
  });
}

/** The socket of `daemon` in a router's pathspace folder. */
export const vtySocketPath = (runtimeDir: string, daemon: string): string => join(runtimeDir, `${daemon}.vty`);
