/**
 * Which TCP sockets listen in a process's network namespace, read from /proc/<pid>/net/tcp and
 * tcp6 (proc_net_tcp(5): they list the sockets of the namespace the process is in). One file
 * read instead of `ss` run in the namespace (a process, ~20 ms of CPU through the runtime's
 * chroot): the bring-up's readiness waits poll this every few tens of milliseconds.
 */
import { readFileSync, readlinkSync, statSync } from 'node:fs';

/** st field of /proc/net/tcp for TCP_LISTEN (include/net/tcp_states.h). */
const TCP_LISTEN = '0A';

/** `a.b.c.d:port` and `[v6]:port` (the form `ss` prints) of every listening TCP socket in `pid`'s namespace. */
export function listeningSockets(pid: number): Set<string> {
  const out = new Set<string>();
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue; // gone, or no IPv6 in this kernel
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== TCP_LISTEN) continue;
      const [addr, port] = f[1]!.split(':');
      out.add(`${procAddress(addr!)}:${parseInt(port!, 16)}`);
    }
  }
  return out;
}

/**
 * An address as /proc/net/tcp* prints it (hex, each 32-bit word in host byte order, little
 * endian on every architecture this runs on) in the form `ss` prints it.
 */
export function procAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The URL parser writes an IPv6 address in its canonical compressed form (RFC 5952), as ss does.
  return new URL(`http://[${groups.join(':')}]/`).hostname;
}

/** True when `pid` is already in the network namespace bound at `nsPath` (/run/netns/<name>): `ip netns exec` has entered it. */
export function inNetns(pid: number, nsPath: string): boolean {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`) === `net:[${statSync(nsPath).ino}]`;
  } catch {
    return false;
  }
}
