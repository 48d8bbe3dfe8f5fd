/**
 * Many short flows from one client, each from a chosen source port, recording which
 * cluster answered. One shell loop inside the client runs them all (one exec, not N).
 */
import type { LabHandle } from '../providers/api/lab-handle.js';
import { parseEchoReply } from '../readers/echo-reply.mjs';

export interface FlowResult {
  sport: number;
  cluster?: string;
  error?: string;
}

/**
 * The flows' source ports, [from, to): curl binds them without SO_REUSEADDR and leaves each in
 * TIME_WAIT for 60 s, so they lie apart from the ranges the failover probe and the held
 * connections bind in the same client (helpers/traffic/probe.mjs explains the plan), and below
 * the kernel's ephemeral range.
 */
export const FLOW_PORTS = { from: 4000, to: 8000 };

/** Distinct source ports, never reused within this process (a reused port may sit in TIME_WAIT). */
const used = new Set<number>();
export function freshPorts(n: number, lo = FLOW_PORTS.from, hi = FLOW_PORTS.to): number[] {
  const out: number[] = [];
  const free = hi - lo - [...used].filter((p) => p >= lo && p < hi).length;
  if (n > free) throw new Error(`freshPorts: ${n} ports asked, ${free} unused left in ${lo}-${hi - 1}`);
  while (out.length < n) {
    const p = lo + Math.floor(Math.random() * (hi - lo));
    if (!used.has(p)) {
      used.add(p);
      out.push(p);
    }
  }
  return out;
}

export async function runFlows(
  lab: LabHandle,
  client: string,
  vip: string,
  port: number,
  sports: number[],
): Promise<FlowResult[]> {
  const script =
    'for p in "$@"; do r=$(curl -sS --max-time 2 --local-port "$p" "$URL" 2>&1 | head -n 1); printf "%s\\t%s\\n" "$p" "$r"; done';
  const r = await lab.exec(
    client,
    ['env', `URL=http://${vip}:${port}/`, 'sh', '-c', script, 'flows', ...sports.map(String)],
    { timeoutMs: sports.length * 3000 + 5000 },
  );
  return parseFlows(r.stdout, sports);
}

/** The flows' loop output ("<sport>\t<first line of curl's output>" each), one result per port asked. */
export function parseFlows(stdout: string, sports: number[]): FlowResult[] {
  const bySport = new Map<number, string>();
  for (const line of stdout.split('\n')) {
    const [p, rest] = line.split('\t');
    if (p) bySport.set(Number(p), rest ?? '');
  }
  return sports.map((sport) => {
    // The reply's first line only (head -n 1): whoami's "Name: cluster=…", or curl's error.
    const first = bySport.get(sport) ?? '';
    const cluster = parseEchoReply(first).cluster;
    return cluster ? { sport, cluster } : { sport, error: first || 'no output' };
  });
}
