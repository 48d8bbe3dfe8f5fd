/**
 * Many short flows from one client, each from a chosen source port, recording which
 * cluster answered. One Node process inside the client sends them all (flows.mjs): one
 * process, not a curl, a shell and a head per flow.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabHandle } from '../providers/api/lab-handle.js';

export interface FlowResult {
  sport: number;
  cluster?: string;
  error?: string;
  /** The flow was never sent: its port could not be bound or connected from (a socket holds it). */
  harness?: boolean;
}

/**
 * The flows' source ports, [from, to): apart from the ranges the failover probe and the held
 * connections bind in the same client (helpers/traffic/probe.mjs explains the plan), and below
 * the kernel's ephemeral range. Never reused within a run (freshPorts): a port whose last
 * connection still lingers cannot connect to the same VIP again.
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

/** The client script that sends the flows (one Node process per call, inside the client). */
export const FLOWS_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'flows.mjs');

/** How long one flow may take to be answered (curl's --max-time before flows.mjs). */
const FLOW_TIMEOUT_MS = 2000;

export async function runFlows(
  lab: LabHandle,
  client: string,
  vip: string,
  port: number,
  sports: number[],
): Promise<FlowResult[]> {
  const p = lab.spawn(client, [
    process.execPath,
    FLOWS_SCRIPT,
    '--lab',
    lab.model.name,
    '--target',
    `${vip}:${port}`,
    '--sports',
    sports.join(','),
    '--timeout-ms',
    String(FLOW_TIMEOUT_MS),
  ]);
  // The flows run one after another, each bounded: past that (and a start-up allowance) it is stopped.
  const guard = setTimeout(() => p.stop(), sports.length * FLOW_TIMEOUT_MS + 5000);
  const r = await p.done.finally(() => clearTimeout(guard));
  if (r.exitCode !== 0 && !r.stdout.trim())
    throw new Error(`flows in ${client} exited ${r.exitCode}: ${r.stderr.trim() || 'no output'}`);
  return parseFlows(r.stdout, sports);
}

/** flows.mjs's JSON lines, one result per port asked (a port it did not report says so). */
export function parseFlows(stdout: string, sports: number[]): FlowResult[] {
  const bySport = new Map<number, FlowLine>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as FlowLine;
    bySport.set(rec.sport, rec);
  }
  return sports.map((sport) => {
    const rec = bySport.get(sport);
    if (!rec) return { sport, error: 'no result (the flows stopped before this port)' };
    if (rec.cluster) return { sport, cluster: rec.cluster };
    return rec.harness ? { sport, error: rec.harness, harness: true } : { sport, error: rec.err ?? 'no answer' };
  });
}

interface FlowLine {
  sport: number;
  ok: boolean;
  cluster?: string;
  err?: string;
  harness?: string;
}
