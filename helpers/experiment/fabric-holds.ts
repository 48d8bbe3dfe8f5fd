/**
 * The other outcome of a speaker crash: the fabric holds. Where something restarts a killed
 * speaker within the graceful-restart time (kubelet restarting cilium-agent on the real lab:
 * helpers/faults/budgets.ts crashOutcome), the leaf keeps the stale path, takes the refreshed
 * one, and nothing downstream may notice. This waits for the speaker to be back and for the
 * restart to end; the suite then judges that no ECMP router moved and no request was lost.
 */
import { PER_HOP_SECONDS, type FaultSpec } from '../faults/budgets.js';
import type { FaultTarget } from '../faults/fault-target.js';
import { grSettleProblem } from '../faults/negotiated.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import { bgpNeighbors } from '../readers/frr.js';
import { Deadline, waitUntil } from '../os/poll.js';
import { epochNow } from '../os/epoch-clock.mjs';

/** The leaf's view of the victim's session: its state and how many sessions it has had and lost (FRR `show bgp neighbors json`). */
export interface LeafSession {
  state: string;
  established: number;
  dropped: number;
}

export async function leafSession(lab: LabHandle, target: FaultTarget): Promise<LeafSession> {
  const n = (await bgpNeighbors(lab, target.session.a.node))[target.session.b.address];
  return {
    state: n?.state ?? 'missing',
    established: Number(n?.raw.connectionsEstablished ?? 0),
    dropped: Number(n?.raw.connectionsDropped ?? 0),
  };
}

const now = epochNow;

/**
 * Waits until the leaf has seen the victim's session drop and come back Established, within
 * the outcome's speaker-back budget; resolves with that moment, or with the problem when not.
 */
export async function awaitSpeakerBack(
  lab: LabHandle,
  target: FaultTarget,
  spec: FaultSpec,
  before: LeafSession,
): Promise<{ t?: number; problem?: string }> {
  const back = spec.outcome!.speakerBack!;
  const { session, victim } = target;
  try {
    await waitUntil(
      async () => {
        const c = await leafSession(lab, target);
        return c.dropped > before.dropped && c.established > before.established && c.state === 'Established'
          ? undefined
          : `${session.a.node} sees ${victim} ${c.state}, sessions established ${c.established} (was ${before.established}), dropped ${c.dropped} (was ${before.dropped})`;
      },
      {
        what: `${victim}'s speaker to be back (${back.formula})`,
        deadline: new Deadline(back.seconds * 1000),
        intervalMs: 20,
      },
    );
    return { t: now() };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/**
 * The graceful restart ends with End-of-RIB both ways (then the leaf drops whatever was not
 * refreshed), and a withdrawal that followed would reach the ECMP routers within the
 * propagation allowance: only then has the fabric had every chance to move.
 */
export async function awaitRestartEnded(lab: LabHandle, target: FaultTarget): Promise<void> {
  await waitUntil(() => grSettleProblem(lab, target.session), {
    what: `${target.session.a.node} ↔ ${target.victim} to finish the graceful restart (End-of-RIB both ways)`,
    deadline: new Deadline(10_000),
  });
  const allowance = target.hops * PER_HOP_SECONDS * 1000;
  const tSettled = now();
  await waitUntil(async () => (now() > tSettled + allowance ? undefined : 'propagation allowance'), {
    what: 'one propagation allowance after the graceful restart ended',
    deadline: new Deadline(allowance + 1000),
    intervalMs: 20,
  });
}
