/** Reading GoBGP's `gobgp neighbor -j` into the speaker view Cilium reports (`cilium bgp peers`). */
import type { SpeakerPeerView } from '../api/lab-handle.js';

/** GoBGP's session_state numbers (api.PeerState_SessionState) → Cilium's session-state strings. */
const STATES: Record<string | number, string> = {
  0: 'unknown',
  1: 'idle',
  2: 'connect',
  3: 'active',
  4: 'open_sent',
  5: 'open_confirm',
  6: 'established',
  UNKNOWN: 'unknown',
  IDLE: 'idle',
  CONNECT: 'connect',
  ACTIVE: 'active',
  OPENSENT: 'open_sent',
  OPENCONFIRM: 'open_confirm',
  ESTABLISHED: 'established',
};

interface GobgpNeighbor {
  conf?: { neighbor_address?: string; peer_asn?: number; local_asn?: number; auth_password?: string };
  graceful_restart?: { enabled?: boolean; restart_time?: number };
  state?: { session_state?: number | string; neighbor_address?: string; peer_asn?: number };
  timers?: { state?: { negotiated_hold_time?: number; keepalive_interval?: number } };
  afi_safis?: { state?: { advertised?: number; received?: number; accepted?: number } }[];
}

export function parseGobgpNeighbors(json: string, localASN: number): SpeakerPeerView[] {
  const list = JSON.parse(json || '[]') as GobgpNeighbor[];
  return list.map((n) => {
    const advertised = n.afi_safis?.reduce((s, a) => s + (a.state?.advertised ?? 0), 0);
    const received = n.afi_safis?.reduce((s, a) => s + (a.state?.received ?? 0), 0);
    return {
      peerAddress: n.conf?.neighbor_address ?? n.state?.neighbor_address ?? '',
      peerASN: n.conf?.peer_asn ?? n.state?.peer_asn ?? 0,
      localASN: n.conf?.local_asn || localASN,
      state: STATES[n.state?.session_state ?? 0] ?? String(n.state?.session_state),
      appliedHoldSeconds: n.timers?.state?.negotiated_hold_time,
      appliedKeepaliveSeconds: n.timers?.state?.keepalive_interval,
      advertised,
      received,
      tcpPasswordEnabled: !!n.conf?.auth_password,
      gracefulRestart: n.graceful_restart
        ? { enabled: !!n.graceful_restart.enabled, restartTimeSeconds: n.graceful_restart.restart_time }
        : { enabled: false },
    };
  });
}
