/**
 * Many short flows from one client, each from a chosen source port, recording which
 * cluster answered. One shell loop inside the client runs them all (one exec, not N).
 */
import type { LabHandle } from '../providers/api/lab-handle.js';

export interface FlowResult {
  sport: number;
  cluster?: string;
  error?: string;
}

/** Distinct source ports, never reused within this process (a reused port may sit in TIME_WAIT). */
const used = new Set<number>();
export function freshPorts(n: number, lo = 20000, hi = 60000): number[] {
  const out: number[] = [];
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
  const bySport = new Map<number, string>();
  for (const line of r.stdout.split('\n')) {
    const [p, rest] = line.split('\t');
    if (p) bySport.set(Number(p), rest ?? '');
  }
  return sports.map((sport) => {
    const first = bySport.get(sport) ?? '';
    const m = /^Name: .*cluster=(\S+)/.exec(first);
    return m ? { sport, cluster: m[1] } : { sport, error: first || 'no output' };
  });
}
