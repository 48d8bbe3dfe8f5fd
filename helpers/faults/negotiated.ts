/** Reads, from the leaf's side, what a node's session actually negotiated: the input of the failover budgets. */
import { bgpNeighbors } from '../clients/frr.js';
import type { LabSession } from '../lab/sessions.js';
import type { LabHandle } from '../providers/provider.js';
import type { NegotiatedSession } from './budgets.js';

export async function negotiatedSession(lab: LabHandle, s: LabSession): Promise<NegotiatedSession> {
  const n = (await bgpNeighbors(lab, s.a.node))[s.b.address];
  if (!n || n.state !== 'Established') throw new Error(`${s.a.node}'s session to ${s.b.node} is ${n?.state ?? 'missing'}; cannot read what it negotiated`);
  const gr = n.raw.gracefulRestartInfo as { remoteGrMode?: string; nBit?: boolean; timers?: { receivedRestartTimer?: number } } | undefined;
  return {
    holdSeconds: n.holdSeconds ?? s.holdSeconds,
    gracefulRestart: gr?.remoteGrMode === 'Restart',
    nBit: gr?.nBit === true,
    restartSeconds: gr?.timers?.receivedRestartTimer ?? 0,
  };
}
