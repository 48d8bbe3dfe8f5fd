/**
 * Scenario labs: copies of the run's lab (the same files under names of their own, so their
 * namespaces sit beside it) on which the disruptive suites run their scenarios side by side
 * while the read-only suites share the run's lab. The vitest global setup owns the pool (it
 * brings the copies up, a reaper watches each, teardown removes them); test workers, which are
 * other processes, lease a copy over a Unix socket (./lab-lease.ts):
 *   worker → {"lease": label, "weight": seconds}   server → {"granted": name, "source": …}
 *   worker → {"release": "converged" | "broken"}    (or the connection closes)
 * A lease that ends without "converged" (the scenario left the lab broken, or its worker died)
 * gets the copy replaced by a fresh one before anyone else receives it. Waiting leases are
 * granted the heaviest first (the longest scenario starts first: it is the critical path).
 * Every bring-up and lease goes into a log (./pool-log.ts) the run's reports keep.
 *
 * The run's own lab joins the pool once the read-only suites are done with it (`home`): each
 * read-only file says so when it ends (worker → {"readOnlyDone": file}), and when every one it
 * expects has, the run's lab is granted like a copy. So one copy gives two lanes of scenarios,
 * not one lane and an idle lab. It is never replaced: a scenario that leaves it broken takes it
 * out of the pool (the run's teardown removes it as ever), and a read-only file that never says
 * it is done (its worker died) keeps it out: slower, never wrong.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { withLabName, type LabModel, type ModelSource } from '../model/lab-model.js';
import { runDir } from '../os/run-state.js';
import { jsonLines, sendLine } from '../os/json-lines.js';
import type { PoolLog } from './pool-log.js';

/** A copy that is up: what the pool needs of it (the provider's `down`). */
export interface UpCopy {
  down(): Promise<unknown>;
}

export interface PoolOptions {
  model: LabModel;
  size: number;
  /** How many copies come up at once (bring-up is CPU-bound). */
  bringUpsAtOnce: number;
  /** Brings one copy up to converged (bring-up.ts bringUp, which removes what it made on failure). */
  up(model: LabModel): Promise<UpCopy>;
  /** Told of each bring-up and lease as it happens (progress lines). */
  say(copy: string, message: string): void;
}

/** What the run's workers need to lease a copy (vitest `provide`). */
export interface PoolAccess {
  socket: string;
  size: number;
}

interface Copy {
  name: string;
  up?: UpCopy;
  /** `reserved`: the run's own lab while the read-only suites read it. */
  state: 'coming-up' | 'free' | 'leased' | 'failed' | 'reserved';
  why?: string;
  /** The run's own lab: not the pool's to bring up, replace or remove. */
  home?: boolean;
}

interface Waiter {
  label: string;
  weight: number;
  socket: Socket;
  since: number;
}

export function poolLabName(run: string, i: number): string {
  return `${run}-s${i + 1}`;
}

export class LabPool {
  readonly log: PoolLog = { t0: performance.now(), bringUps: [], leases: [] };
  private readonly copies: Copy[];
  private readonly waiting: Waiter[] = [];
  private readonly holders = new Map<Copy, { socket: Socket; label: string; t: number }>();
  private readonly bringUps: (() => Promise<void>)[] = [];
  private running = 0;
  private server?: Server;
  private started = false;
  private stopped = false;
  private readonly readOnlyDone = new Set<string>();
  private readOnlyFiles: readonly string[] = [];

  constructor(private readonly o: PoolOptions) {
    this.copies = Array.from({ length: o.size }, (_, i): Copy => ({
      name: poolLabName(o.model.name, i),
      state: 'coming-up',
    }));
  }

  /**
   * The run's own lab joins the pool once every file of `readOnlyFiles` said it is done reading
   * it (a run's lab that converged, on a run of every suite: a run of named files may not run them all).
   */
  reserveHome(readOnlyFiles: readonly string[]): void {
    this.readOnlyFiles = readOnlyFiles;
    this.copies.push({ name: this.o.model.name, state: 'reserved', home: true });
  }

  /** Leases asked for and not granted yet. */
  get waitingLeases(): number {
    return this.waiting.length;
  }

  get socketPath(): string {
    return join(runDir(this.o.model.name), 'scenario-labs.sock');
  }

  /**
   * Listens, and starts bringing the copies up (without waiting for them): at once when `eager`,
   * else at the first lease (a run of read-only suites alone never brings a copy up).
   */
  async start(eager: boolean): Promise<PoolAccess> {
    mkdirSync(runDir(this.o.model.name), { recursive: true });
    rmSync(this.socketPath, { force: true });
    this.server = createServer((s) => this.serve(s));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.socketPath, resolve);
    });
    if (eager) this.bringAllUp();
    return { socket: this.socketPath, size: this.o.size };
  }

  /** Stops granting and removes every copy (after the run, or on a signal). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiting.splice(0)) w.socket.end(`${JSON.stringify({ error: 'the run is ending' })}\n`);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.socketPath, { force: true });
    // A bring-up in flight finishes or fails first (an aborted one removes what it made);
    // whatever is up then goes.
    while (this.running) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(this.copies.map((c) => (c.home ? undefined : c.up?.down().catch(() => undefined))));
  }

  /** Starts bringing every copy up now, before any lease asks (a run that will lease them). */
  warmUp(): void {
    this.bringAllUp();
  }

  private bringAllUp(): void {
    if (this.started) return;
    this.started = true;
    for (const c of this.copies) if (!c.home) this.queueBringUp(c);
  }

  private serve(socket: Socket): void {
    let released: 'converged' | 'broken' | undefined;
    jsonLines(socket, (msg) => {
      if (typeof msg.lease === 'string') {
        const weight = Number(msg.weight) || 0;
        this.waiting.push({ label: msg.lease, weight, socket, since: performance.now() });
        this.bringAllUp();
        this.grant();
      } else if (msg.release === 'converged' || msg.release === 'broken') released = msg.release;
      else if (typeof msg.readOnlyDone === 'string') this.doneReading(msg.readOnlyDone);
    });
    socket.on('close', () => this.closed(socket, released));
    socket.on('error', () => undefined);
  }

  private closed(socket: Socket, released: 'converged' | 'broken' | undefined): void {
    const w = this.waiting.findIndex((x) => x.socket === socket);
    if (w >= 0) this.waiting.splice(w, 1);
    const copy = [...this.holders].find(([, h]) => h.socket === socket)?.[0];
    if (!copy) return;
    const held = this.holders.get(copy)!;
    this.holders.delete(copy);
    const entry = this.log.leases.find((l) => l.copy === copy.name && l.label === held.label && l.end === undefined);
    if (entry) Object.assign(entry, { end: performance.now(), outcome: released ?? 'worker gone' });
    if (released === 'converged') {
      copy.state = 'free';
      this.grant();
    } else if (copy.home) {
      // The run's lab is the run's: out of the pool, never brought up again here.
      copy.state = 'failed';
      copy.why = `"${held.label}" left it ${released ?? 'without a word (its worker died)'}`;
      this.o.say(copy.name, `${copy.why}: no more scenarios on it`);
      this.grant();
    } else {
      this.o.say(copy.name, `"${held.label}" left it ${released ?? 'without a word (its worker died)'}: replacing it`);
      const old = copy.up;
      copy.up = undefined;
      copy.state = 'coming-up';
      this.queueBringUp(copy, async () => old?.down());
    }
  }

  /** A read-only file is done with the run's lab; after the last one expected, the lab takes scenarios. */
  private doneReading(file: string): void {
    const home = this.copies.find((c) => c.home);
    this.readOnlyDone.add(file);
    if (home?.state !== 'reserved' || !this.readOnlyFiles.every((f) => this.readOnlyDone.has(f))) return;
    home.state = 'free';
    this.o.say(home.name, 'the read-only suites are done: it takes scenarios too');
    this.grant();
  }

  /** Hands free copies to waiting leases, heaviest first; tells them when no copy can come. */
  private grant(): void {
    if (this.stopped) return;
    this.waiting.sort((a, b) => b.weight - a.weight);
    for (const c of this.copies.filter((x) => x.state === 'free')) {
      const w = this.waiting.shift();
      if (!w) return;
      c.state = 'leased';
      const t = performance.now();
      this.holders.set(c, { socket: w.socket, label: w.label, t });
      this.log.leases.push({ copy: c.name, label: w.label, weight: w.weight, asked: w.since, start: t });
      const source: ModelSource = c.home ? this.o.model.source : withLabName(this.o.model, c.name).source;
      sendLine(w.socket, { granted: c.name, source });
      this.o.say(c.name, `runs "${w.label}"`);
    }
    // No lab can come any more (the run's lab, while reserved, still may).
    if (this.copies.every((c) => c.state === 'failed')) {
      const why = this.copies.map((c) => `${c.name}: ${c.why}`).join('; ');
      for (const w of this.waiting.splice(0))
        w.socket.end(`${JSON.stringify({ error: `no scenario lab came up: ${why}` })}\n`);
    }
  }

  /** Brings `c` up when a bring-up slot is free (after `before`: removing the copy it replaces). */
  private queueBringUp(c: Copy, before?: () => Promise<unknown>): void {
    this.bringUps.push(async () => {
      await before?.().catch(() => undefined);
      if (this.stopped) return;
      const start = performance.now();
      try {
        c.up = await this.o.up(withLabName(this.o.model, c.name));
        c.state = 'free';
        this.log.bringUps.push({ copy: c.name, start, end: performance.now() });
      } catch (err) {
        // bringUp removed what it made; the copy stays out of the pool, and says why.
        c.state = 'failed';
        c.why = (err as Error).message.split('\n')[0];
        this.log.bringUps.push({ copy: c.name, start, end: performance.now(), failed: c.why });
        this.o.say(c.name, `did not come up: ${c.why}`);
      }
      this.grant();
    });
    this.pump();
  }

  private pump(): void {
    while (this.running < this.o.bringUpsAtOnce && this.bringUps.length) {
      const job = this.bringUps.shift()!;
      this.running++;
      void job().finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}
