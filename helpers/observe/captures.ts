/**
 * tcpdump in several namespaces at once, from the lab runtime: started together, ready once
 * each says it is listening (or has exited), stopped together. What a capture could not see is
 * said per node (no capture at all, or packets the kernel dropped before tcpdump read them),
 * never guessed: the packet trail and the BGP capture both judge with it.
 */
import type { LabHandle, SpawnedProcess } from '../providers/api/lab-handle.js';

export interface Captures {
  /** Resolves once every capture is listening (or has failed to start), at most 3 s. */
  ready: Promise<void>;
  /**
   * Stops them; resolves with each node's output (latin1 bytes with `pcap`), per node why its
   * capture is incomplete, and how many packets tcpdump says it captured (its exit summary).
   */
  stop(): Promise<{ outputs: Map<string, string>; gaps: Record<string, string>; captured: Map<string, number> }>;
  /** Stops them at once, their output unread: for a run that turned out not to need it. */
  discard(): Promise<void>;
}

const READY_MS = 3000;

/**
 * How long tcpdump may hold a packet it matched before it reads it: libpcap's TPACKET_V3 ring
 * hands a block of packets to tcpdump when the block is full or its timeout runs out
 * (pcap-linux.c:3236 at libpcap-1.10.5, `tp_retire_blk_tov`), and tcpdump sets that timeout to
 * 1 s when it writes pcap, 100 ms when it prints with -l (tcpdump.c:230 and 2011-2012 at
 * tcpdump-4.99.5). Stopped (SIGTERM), it leaves what it has not read: measured 2026-12-05 in a
 * scratch namespace, the probe's SYNs for 3 s, tcpdump stopped at once after the probe: pcap held
 * 283–284 of 294 and text 293–294 of 295; stopped 1.2 s later, all of them. A two-lane lab run the
 * same day judged a lost request by its time only: its SYN, sent 1.1 s before the stop, was
 * missing from the client's own capture. So a capture goes on this long after it is asked to stop,
 * plus SCHEDULING_MS for tcpdump to be run and read the last block on a loaded host (a bound
 * chosen, not measured under load: a SYN still missing is reported, never passed).
 */
const DELIVERY_MS = { pcap: 1000, text: 100 };
const SCHEDULING_MS = 100;

/**
 * `filter`: one for every node, or each node's own. `snaplen`: the bytes kept of each packet
 * (tcpdump's default, the whole packet, when absent): a capture that reads headers only keeps
 * less, so tcpdump copies and prints less (with -v it prints an HTTP payload line by line).
 * `pcap`: tcpdump writes pcap (`-w -`), read as latin1, instead of printing `-v` text.
 * `bufferKiB`: the kernel's capture buffer (tcpdump -B; libpcap's default, 2 MiB, when absent):
 * what it holds is what survives a stretch in which tcpdump does not read, because the host's
 * CPU is taken or the reader of its output (the test worker, through a 64 KiB pipe) is busy.
 */
export function startCaptures(
  lab: LabHandle,
  nodes: string[],
  filter: string | ((node: string) => string),
  opts: { snaplen?: number; bufferKiB?: number; pcap?: boolean } = {},
): Captures {
  const of = (n: string) => (typeof filter === 'string' ? filter : filter(n));
  const snap = opts.snaplen === undefined ? [] : ['-s', String(opts.snaplen)];
  const buffer = opts.bufferKiB === undefined ? [] : ['-B', String(opts.bufferKiB)];
  // pcap is written in blocks and flushed when tcpdump is stopped (SIGTERM); text a line at a time.
  const format = opts.pcap ? ['-w', '-'] : ['-tt', '-l', '-v'];
  const encoding = opts.pcap ? 'latin1' : 'utf8';
  const captures = new Map<string, SpawnedProcess>(
    nodes.map((n) => [
      n,
      lab.spawn(n, ['tcpdump', '-i', 'any', '-nn', ...format, ...snap, ...buffer, of(n)], { encoding }),
    ]),
  );
  const listening = (p: SpawnedProcess) => /listening on/.test(p.errorOutput?.() ?? '');
  const ready = (async () => {
    const until = Date.now() + READY_MS;
    const exited = new Set<string>();
    for (const [n, p] of captures) void p.done.then(() => exited.add(n));
    while (Date.now() < until && ![...captures].every(([n, p]) => listening(p) || exited.has(n)))
      await new Promise((res) => setTimeout(res, 20));
  })();
  let stopping: ReturnType<Captures['stop']> | undefined;
  const finish: Captures['stop'] = async () => {
    await ready;
    await new Promise((res) => setTimeout(res, DELIVERY_MS[opts.pcap ? 'pcap' : 'text'] + SCHEDULING_MS));
    for (const p of captures.values()) p.stop();
    const outputs = new Map<string, string>();
    const gaps: Record<string, string> = {};
    const captured = new Map<string, number>();
    for (const [n, p] of captures) {
      const r = await p.done;
      outputs.set(n, r.stdout);
      const count = /(\d+) packets? captured/.exec(r.stderr);
      if (count) captured.set(n, Number(count[1]));
      const dropped = /(\d+) packets? dropped by kernel/.exec(r.stderr);
      if (!/listening on/.test(r.stderr))
        gaps[n] = `no capture: ${r.stderr.trim().split('\n').at(-1) || `tcpdump exited ${r.exitCode}`}`;
      else if (dropped && Number(dropped[1]) > 0)
        gaps[n] = `${dropped[1]} packets dropped by the kernel before tcpdump read them`;
    }
    return { outputs, gaps, captured };
  };
  // Discarded, a capture's output is never read: a stop after it says so for every node.
  const discarded = async () => {
    for (const p of captures.values()) p.stop();
    await Promise.all([...captures.values()].map((p) => p.done));
    const gaps = Object.fromEntries(nodes.map((n) => [n, 'its capture was discarded unread']));
    return { outputs: new Map<string, string>(), gaps, captured: new Map<string, number>() };
  };
  return {
    ready,
    stop: () => (stopping ??= finish()),
    discard: async () => void (await (stopping ??= discarded())),
  };
}
