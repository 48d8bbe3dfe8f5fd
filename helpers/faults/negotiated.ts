/** Reads, from the leaf's side, what a node's session actually negotiated: the input of the failover budgets. */
import { bgpNeighbors } from '../readers/frr.js';
import type { LabSession } from '../model/lab-sessions.js';
import type { LabHandle } from '../providers/api/lab-handle.js';
import type { NegotiatedSession } from './budgets.js';

export async function negotiatedSession(lab: LabHandle, s: LabSession): Promise<NegotiatedSession> {
  const n = (await bgpNeighbors(lab, s.a.node))[s.b.address];
  if (!n || n.state !== 'Established')
    throw new Error(`${s.a.node}'s session to ${s.b.node} is ${n?.state ?? 'missing'}; cannot read what it negotiated`);
  return {
    holdSeconds: n.holdSeconds ?? s.holdSeconds,
    gracefulRestart: n.gr?.remoteMode === 'Restart',
    nBit: n.gr?.nBit === true,
    restartSeconds: n.gr?.receivedRestartSeconds ?? 0,
  };
}

/**
 * With graceful restart, a re-established session is settled only once End-of-RIB has gone
 * both ways for each family (RFC 4724 §4): until then the leaf is still finishing the last
 * restart. FRR sends its own End-of-RIB only after the new peer's update-group coalesce time,
 * ~1 s after the session comes up. A fault suite waits for this before each fault, so every
 * fault meets the same state of the graceful-restart machinery.
 */
export async function grSettleProblem(lab: LabHandle, s: LabSession): Promise<string | undefined> {
  const n = (await bgpNeighbors(lab, s.a.node))[s.b.address];
  if (!n || n.state !== 'Established') return `${s.a.node}'s session to ${s.b.node} is ${n?.state ?? 'missing'}`;
  if (n.gr?.remoteMode !== 'Restart') return undefined; // no graceful restart: nothing to settle
  const problems: string[] = [];
  for (const f of s.speakerPeer?.families ?? [{ afi: 'ipv4', safi: 'unicast' }]) {
    const key = `${f.afi}${f.safi[0]!.toUpperCase()}${f.safi.slice(1)}`;
    const eor = n.gr.endOfRib[key];
    if (!eor)
      problems.push(
        `${s.a.node} shows no End-of-RIB status for ${s.b.node} ${key} (gracefulRestartInfo.${key}.endOfRibStatus)`,
      );
    else if (!eor.send || !eor.recv)
      problems.push(`${s.a.node} ↔ ${s.b.node} ${key}: End-of-RIB sent ${eor.send}, received ${eor.recv}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}
