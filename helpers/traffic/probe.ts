/** Running the failover probe in a client and reading its records. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabHandle } from '../providers/api/lab-handle.js';

export const PROBE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'probe.mjs');

export interface ProbeRecord {
  /** Start of the request, epoch ms. */
  t: number;
  ms: number;
  sport?: number;
  ok: boolean;
  cluster?: string;
  err?: string;
  /**
   * Set when the probe could not send the request at all: its bind or connect failed inside the
   * client before any packet left (probe.mjs localCause). The cause, e.g. "bind EADDRINUSE
   * 0.0.0.0:20001": a fault of the harness, never a lost request.
   */
  harness?: string;
  /** With `harness`: the client's sockets on that port at that moment ("TIME_WAIT a:p -> b:q"). */
  holders?: string[];
}

export interface RunningProbe {
  client: string;
  /** Records so far, in arrival order (the probe prints each as it completes). */
  soFar(): ProbeRecord[];
  stop(): Promise<ProbeRecord[]>;
}

function parse(text: string): ProbeRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as ProbeRecord)
    .sort((a, b) => a.t - b.t);
}

export function startProbe(
  lab: LabHandle,
  client: string,
  target: string,
  opts: { intervalMs?: number; timeoutMs?: number; maxSeconds: number },
): RunningProbe {
  const p = lab.spawn(
    client,
    [
      process.execPath,
      PROBE_SCRIPT,
      '--lab',
      lab.model.name,
      '--target',
      target,
      '--interval-ms',
      String(opts.intervalMs ?? 10),
      '--timeout-ms',
      String(opts.timeoutMs ?? 300),
      '--seconds',
      String(opts.maxSeconds),
    ],
    { stamps: true },
  );
  const seen: ProbeRecord[] = [];
  let seenUpTo = 0;
  return {
    client,
    // Parses only what arrived since the last call (waits poll this often); a half-written last line waits for the next call.
    soFar: () => {
      const out = p.output();
      const end = out.lastIndexOf('\n') + 1;
      if (end > seenUpTo) {
        seen.push(...parse(out.slice(seenUpTo, end)));
        seenUpTo = end;
      }
      return seen;
    },
    async stop() {
      p.stop();
      const r = await p.done;
      if (r.exitCode !== 0) throw new Error(`probe in ${client} exited ${r.exitCode}: ${r.stderr.trim()}`);
      return parse(r.stdout);
    },
  };
}
