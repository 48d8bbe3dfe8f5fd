/**
 * Long-lived connections from a client (held-connections.mjs running inside it), read back
 * as one record per connection: its source port, when it opened, the cluster that served it,
 * and when and how it broke (or that it was still up at the end).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabHandle } from '../providers/api/lab-handle.js';

export const HELD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'held-connections.mjs');

type HeldEvent =
  | { ev: 'open'; c: number; slot: number; sport: number; t: number }
  | { ev: 'served'; c: number; t: number; cluster?: string }
  | { ev: 'broke'; c: number; t: number; how: BreakKind | 'connect'; err?: string; lastOk?: number }
  | { ev: 'end'; c: number; t: number; requests: number }
  | { ev: 'harness'; c: number; slot: number; sport: number; t: number; cause: string }
  | { ev: 'sweep'; t: number };

/** A connection the script could not open: its bind or connect failed inside the client (never a break). */
export interface HeldHarnessError {
  client: string;
  t: number;
  sport: number;
  cause: string;
}

export type BreakKind = 'reset' | 'timeout' | 'closed' | 'error';

export interface HeldConnection {
  client: string;
  id: number;
  slot: number;
  sport: number;
  openedAt: number;
  /** The cluster that answered its first request (undefined: never answered). */
  cluster?: string;
  /** Another cluster answered later on the same connection (TCP makes this impossible; kept to be asserted). */
  servedBy: string[];
  brokeAt?: number;
  how?: BreakKind;
  err?: string;
  /** Its last answered request before it broke. */
  lastOk?: number;
}

export interface HeldOptions {
  connections: number;
  intervalMs: number;
  timeoutMs: number;
  maxSeconds: number;
}

/** The request timeout and interval the suite uses: a request every 100 ms (issue #12), an answer within 1 s. */
export const HELD_DEFAULTS: Omit<HeldOptions, 'maxSeconds'> = { connections: 64, intervalMs: 100, timeoutMs: 1000 };

/** The harness errors in the script's output: connections it could not even try. */
export function parseHeldHarness(client: string, text: string): HeldHarnessError[] {
  return events(text).flatMap((e) => (e.ev === 'harness' ? [{ client, t: e.t, sport: e.sport, cause: e.cause }] : []));
}

function events(text: string): HeldEvent[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as HeldEvent);
}

export function parseHeld(client: string, text: string): HeldConnection[] {
  const byId = new Map<number, HeldConnection>();
  for (const e of events(text)) {
    if (e.ev === 'open') byId.set(e.c, { client, id: e.c, slot: e.slot, sport: e.sport, openedAt: e.t, servedBy: [] });
    if (e.ev === 'sweep') continue;
    const c = byId.get(e.c);
    // A connection that never connected has no record: its slot simply opens the next one.
    if (!c) continue;
    if (e.ev === 'served' && e.cluster) {
      c.cluster ??= e.cluster;
      c.servedBy.push(e.cluster);
    } else if (e.ev === 'broke' && e.how !== 'connect')
      Object.assign(c, { brokeAt: e.t, how: e.how, err: e.err, lastOk: e.lastOk });
  }
  return [...byId.values()];
}

export interface RunningHeld {
  client: string;
  /** Connections so far (re-parsed from everything printed). */
  soFar(): HeldConnection[];
  /** Connections the script could not open (harness errors), so far. */
  harness(): HeldHarnessError[];
  /** The script's latest sweep (epoch ms): every connection open has been answered on a request sent at or after it. */
  lastSweep(): number | undefined;
  stop(): Promise<HeldConnection[]>;
}

export function startHeld(lab: LabHandle, client: string, target: string, opts: HeldOptions): RunningHeld {
  const p = lab.spawn(
    client,
    [
      process.execPath,
      HELD_SCRIPT,
      '--lab',
      lab.model.name,
      '--target',
      target,
      '--connections',
      String(opts.connections),
      '--interval-ms',
      String(opts.intervalMs),
      '--timeout-ms',
      String(opts.timeoutMs),
      '--seconds',
      String(opts.maxSeconds),
    ],
    { stamps: true },
  );
  return {
    client,
    // Whole lines only: the last one may still be half-written.
    soFar: () => {
      const out = p.output();
      return parseHeld(client, out.slice(0, out.lastIndexOf('\n') + 1));
    },
    harness: () => {
      const out = p.output();
      return parseHeldHarness(client, out.slice(0, out.lastIndexOf('\n') + 1));
    },
    lastSweep: () => {
      const out = p.output();
      const at = out.lastIndexOf('{"ev":"sweep"');
      const end = out.indexOf('\n', at);
      return at < 0 || end < 0 ? undefined : (JSON.parse(out.slice(at, end)) as { t: number }).t;
    },
    async stop() {
      p.stop();
      const r = await p.done;
      if (r.exitCode !== 0) throw new Error(`held connections in ${client} exited ${r.exitCode}: ${r.stderr.trim()}`);
      return parseHeld(client, r.stdout);
    },
  };
}

/** Alive at `t`: opened before it and not broken by then. */
export function aliveAt(c: HeldConnection, t: number): boolean {
  return c.openedAt <= t && (c.brokeAt === undefined || c.brokeAt >= t) && c.cluster !== undefined;
}
