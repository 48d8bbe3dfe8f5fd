/**
 * The scenario-lab pool's rules, with copies that come up instantly (no lab): the heaviest
 * waiting scenario gets the first free copy; a copy given back broken, or by a worker that
 * died, is replaced before anyone else gets it; a pool whose copies all fail says why; a lazy
 * pool brings nothing up until asked; stopping removes every copy and the socket.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, type Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabPool, type PoolOptions } from '../../helpers/lab/lab-pool.js';
import { summarisePool } from '../../helpers/lab/pool-log.js';
import { jsonLines, sendLine } from '../../helpers/os/json-lines.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
let runDir: string;
beforeEach(() => {
  runDir = mkdtempSync(join(tmpdir(), 'anycast-verify-pool-'));
  vi.stubEnv('ANYCAST_VERIFY_RUN_DIR', runDir);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(runDir, { recursive: true, force: true });
});

function pool(size: number, up: PoolOptions['up'] = async () => ({ down: async () => {} })) {
  return new LabPool({ model, size, bringUpsAtOnce: 1, up, say: () => {} });
}

/** A worker's side, by hand: ask, and resolve with the grant (or the error). */
function ask(socketPath: string, label: string, weight: number) {
  const socket: Socket = connect(socketPath);
  const answer = new Promise<{ granted?: string; error?: string }>((resolve) => {
    jsonLines(socket, (m) => resolve(m as { granted?: string; error?: string }));
    socket.on('connect', () => sendLine(socket, { lease: label, weight }));
  });
  const release = (state: 'converged' | 'broken') =>
    new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      sendLine(socket, { release: state });
      socket.end();
    });
  return { socket, answer, release };
}

describe('the scenario-lab pool', () => {
  it('grants the heaviest waiting scenario first', async () => {
    let ready!: () => void;
    const gate = new Promise<void>((r) => (ready = r));
    const p = pool(1, async () => (await gate, { down: async () => {} }));
    const { socket } = await p.start(true);
    const order: string[] = [];
    const leases = [ask(socket, 'light', 5), ask(socket, 'heavy', 30), ask(socket, 'middle', 10)];
    // All three wait before the copy is up.
    await vi.waitFor(() => expect(p.waitingLeases).toBe(3));
    ready();
    for (let i = 0; i < 3; i++) {
      const granted = await Promise.race(leases.map((l, k) => l.answer.then(() => k)));
      const l = leases.splice(granted, 1)[0]!;
      order.push(p.log.leases.at(-1)!.label);
      await l.release('converged');
    }
    expect(order).toEqual(['heavy', 'middle', 'light']);
    await p.stop();
  });

  it.each([
    ['given back broken', (l: ReturnType<typeof ask>) => l.release('broken')],
    ['whose worker died', async (l: ReturnType<typeof ask>) => void l.socket.destroy()],
  ])('replaces a copy %s before granting it again', async (_what, giveBack) => {
    const events: string[] = [];
    let n = 0;
    const p = pool(1, async (m) => {
      const k = ++n;
      events.push(`up ${m.name} #${k}`);
      return { down: async () => void events.push(`down #${k}`) };
    });
    const { socket } = await p.start(true);
    const first = ask(socket, 'breaker', 1);
    expect((await first.answer).granted).toBe('anycast-s1');
    await giveBack(first);
    const second = ask(socket, 'next', 1);
    expect((await second.answer).granted).toBe('anycast-s1');
    expect(events).toEqual(['up anycast-s1 #1', 'down #1', 'up anycast-s1 #2']);
    await second.release('converged');
    await p.stop();
    expect(events.at(-1)).toBe('down #2');
  });

  it('tells every waiting scenario why, when no copy came up', async () => {
    const p = pool(2, async (m) => {
      throw new Error(`${m.name}: FRR did not start\nlog…`);
    });
    const { socket } = await p.start(true);
    expect((await ask(socket, 'any', 1).answer).error).toBe(
      'no scenario lab came up: anycast-s1: anycast-s1: FRR did not start; anycast-s2: anycast-s2: FRR did not start',
    );
    await p.stop();
  });

  it('lazy: brings nothing up until a scenario asks', async () => {
    const up = vi.fn(async () => ({ down: async () => {} }));
    const p = pool(2, up);
    const { socket } = await p.start(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(up).not.toHaveBeenCalled();
    const l = ask(socket, 'first', 1);
    expect((await l.answer).granted).toBe('anycast-s1');
    await l.release('converged');
    await p.stop();
    expect(up).toHaveBeenCalledTimes(2);
    expect(existsSync(socket)).toBe(false);
  });

  it("takes the run's own lab once every read-only suite is done with it, and never replaces or removes it", async () => {
    const events: string[] = [];
    let gate!: () => void;
    const copyUp = new Promise<void>((r) => (gate = r));
    const p = pool(1, async (m) => {
      await copyUp;
      events.push(`up ${m.name}`);
      return { down: async () => void events.push(`down ${m.name}`) };
    });
    p.reserveHome(['0-smoke', '1-bgp-sessions']);
    const { socket } = await p.start(true);
    const say = (suite: string) =>
      new Promise<void>((resolve) => {
        const c = connect(socket);
        c.on('connect', () => (sendLine(c, { readOnlyDone: suite }), c.end()));
        c.on('close', () => resolve());
      });
    const a = ask(socket, 'heavy', 30);
    const b = ask(socket, 'light', 5);
    await vi.waitFor(() => expect(p.waitingLeases).toBe(2));
    // One read-only suite done, the copy still coming up: nothing granted.
    await say('0-smoke');
    await new Promise((r) => setTimeout(r, 50));
    expect(p.waitingLeases).toBe(2);
    // The last one done: the run's lab goes to the heaviest scenario, under its own name and source.
    await say('1-bgp-sessions');
    expect((await a.answer).granted).toBe('anycast');
    gate();
    expect((await b.answer).granted).toBe('anycast-s1');
    // Left broken: out of the pool, not brought up again; the next scenario waits for the copy.
    await a.release('broken');
    const c = ask(socket, 'next', 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.waitingLeases).toBe(1);
    await b.release('converged');
    expect((await c.answer).granted).toBe('anycast-s1');
    await c.release('converged');
    await p.stop();
    expect(events).toEqual(['up anycast-s1', 'down anycast-s1']);
  });

  it("keeps the run's own lab out while a read-only suite has not said it is done", async () => {
    const p = pool(0);
    p.reserveHome(['0-smoke', '3-client-paths']);
    const { socket } = await p.start(true);
    const l = ask(socket, 'any', 1);
    await vi.waitFor(() => expect(p.waitingLeases).toBe(1));
    const c = connect(socket);
    c.on('connect', () => (sendLine(c, { readOnlyDone: '0-smoke' }), c.end()));
    await new Promise((r) => setTimeout(r, 100));
    expect(p.waitingLeases).toBe(1);
    l.socket.destroy();
    await p.stop();
  });

  it('summarises the run: the critical path is the copy busy last, with its chain', () => {
    const summary = summarisePool({
      t0: 0,
      bringUps: [
        { copy: 'a-s1', start: 0, end: 8000 },
        { copy: 'a-s2', start: 8000, end: 15000 },
      ],
      leases: [
        { copy: 'a-s1', label: 'silent-drop', weight: 40, asked: 1000, start: 8000, end: 39000, outcome: 'converged' },
        { copy: 'a-s2', label: 'crash', weight: 30, asked: 1000, start: 15000, end: 35000, outcome: 'converged' },
        { copy: 'a-s2', label: 'vip', weight: 5, asked: 1000, start: 35000, end: 41000, outcome: 'broken' },
      ],
    });
    expect(summary.criticalPath).toEqual({
      copy: 'a-s2',
      seconds: 41,
      chain: ['bring-up 7 s', 'crash 20 s', 'vip 6 s'],
    });
    expect(summary.slowest).toEqual({ label: 'silent-drop', seconds: 31 });
    expect(summary.copies[1]!.scenarios[1]).toEqual({ label: 'vip', waitedSeconds: 34, seconds: 6, outcome: 'broken' });
  });
});
