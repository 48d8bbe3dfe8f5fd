/**
 * A test worker's side of the scenario-lab pool (./lab-pool.ts): lease a copy of the run's lab,
 * attach to it, and give it back saying whether the scenario left it converged. Holding the
 * connection open is holding the lease, so a worker that dies gives its copy back (broken).
 */
import { connect, type Socket } from 'node:net';
import { loadModelFrom, type ModelSource } from '../model/lab-model.js';
import type { LabHandle, ProviderName } from '../providers/api/lab-handle.js';
import { jsonLines, sendLine } from '../os/json-lines.js';
import type { PoolAccess } from './lab-pool.js';
import { createProvider } from './select-provider.js';

export interface Lease {
  lab: LabHandle;
  /** Gives the copy back: `converged` returns it to the pool as it is, `broken` has it replaced. */
  release(state: 'converged' | 'broken'): Promise<void>;
}

/**
 * Waits for a copy (the pool grants the heaviest waiting lease first: `weight` is the scenario's
 * expected seconds) and attaches to it.
 */
export async function leaseLab(
  access: PoolAccess,
  provider: ProviderName,
  label: string,
  weight: number,
): Promise<Lease> {
  const socket = connect(access.socket);
  const answer = await new Promise<{ name: string; source: ModelSource }>((resolve, reject) => {
    socket.once('error', (err) => reject(new Error(`scenario-lab pool at ${access.socket}: ${err.message}`)));
    socket.once('close', () => reject(new Error(`scenario-lab pool closed the lease of ${label}`)));
    jsonLines(socket, (msg) => {
      if (typeof msg.error === 'string') reject(new Error(`scenario lab for ${label}: ${msg.error}`));
      else if (typeof msg.granted === 'string') resolve({ name: msg.granted, source: msg.source as ModelSource });
    });
    socket.once('connect', () => sendLine(socket, { lease: label, weight }));
  });
  const lab = await (await createProvider(provider, loadModelFrom(answer.source))).attach();
  return { lab, release: (state) => endLease(socket, state) };
}

async function endLease(socket: Socket, state: 'converged' | 'broken'): Promise<void> {
  if (socket.destroyed) return;
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    sendLine(socket, { release: state });
    socket.end();
  });
}

/**
 * Tells the pool a read-only suite is done with the run's lab (it then takes scenarios once every
 * read-only suite has). Best effort: a pool that is gone, or a word that is lost, only keeps the
 * run's lab out of the pool.
 */
export async function sayReadOnlyDone(access: PoolAccess, suite: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const socket = connect(access.socket);
    socket.once('error', () => resolve());
    socket.once('close', () => resolve());
    socket.once('connect', () => {
      sendLine(socket, { readOnlyDone: suite });
      socket.end();
    });
  });
}
