/**
 * Every GoBGP number the lab's budgets depend on, per GoBGP version, with the upstream line
 * it comes from. Budgets ask this table; no constant of one GoBGP version is typed anywhere
 * else. Citations are osrg/gobgp at the tag named (pkg/server/fsm.go unless said otherwise).
 */
import { compareVersions } from './versions.js';

export interface Window {
  /** Seconds, [min, max). */
  min: number;
  max: number;
  formula: string;
}

export interface GobgpBehaviour {
  version: string;
  /** Delay before the first dial after the speaker (re)starts or a session resets (ACTIVE entered). */
  firstDial(connectRetrySeconds: number): Window;
  /** Delay between later dials while the peer does not answer. */
  retry(connectRetrySeconds: number): Window;
  /** How long one dial may hang before it is given up (a peer that drops SYNs). */
  dialTimeout(connectRetrySeconds: number): number;
  /** IDLE time after a session error (hold expiry, NOTIFICATION, TCP close) before ACTIVE. */
  idleHoldSeconds: number;
  /** Whether idle-hold-time-after-reset (Cilium sets 5 s) is honoured; if not, this default applies after a reset. */
  idleHoldAfterReset: { honoured: boolean; defaultSeconds: number };
  /** A Cease (admin shutdown, peer de-configured) sent as a Hard Reset when the N-bit is negotiated (RFC 8538). */
  ceaseIsHardReset: boolean;
  /** Where each of the above comes from. */
  sources: Record<'dial' | 'idleHold' | 'idleHoldAfterReset' | 'hardReset', string>;
}

/** v3.35.0 lowered minConnectRetryInterval from 5 s to 1 s (3a8f4fb0, "fsm: Lower minimal ConnectRetry interval to 1s", written for Cilium). */
const V3_LOW_MIN = '3.35.0';
/** v3.15.0 copies IdleHoldTimeAfterReset from the API, and so from a config file, which goes through AddPeer (f8c6d24e). */
const V3_IDLE_HOLD_AFTER_RESET = '3.15.0';
/** v3.26.0 sends Cease subcodes as Hard Reset when the N-bit is negotiated (0ccd87db). */
const V3_HARD_RESET = '3.26.0';

export function gobgpBehaviour(version: string): GobgpBehaviour {
  const v4 = compareVersions(version, '4.0.0', 1) >= 0;
  const lowMin = compareVersions(version, V3_LOW_MIN) >= 0;
  // minConnectRetryInterval: v3.10.0 fsm.go:39 = 5; v3.37.0 fsm.go:40 = 1; v4.8.0 fsm.go:47 = 2.
  const min = v4 ? 2 : lowMin ? 1 : 5;
  const dialSource = v4
    ? 'v4.8.0 fsm.go:47 minConnectRetryInterval = 2; :896 tick = max(ConnectRetry, min); :923-925 first dial after (0.75 + rand·0.25)·2 s; :967 later ticks = retry interval, same jitter; :943 dial timeout max(tick−1, min) (140fe728, v4.0.0)'
    : lowMin
      ? 'v3.37.0 (= v3.36.0) fsm.go:40 minConnectRetryInterval = 1; :501-504 retry = max(ConnectRetry, min); :527,530 first dial after [1,2)·min; :597 later ticks = retry, [T,2T); :559 dial timeout max(retry−1, min)'
      : 'v3.10.0 fsm.go:39 minConnectRetryInterval = 5; :500-503 retry = max(ConnectRetry, 5); :526,528-529 first dial after [5,10) s (whole seconds); :592 later ticks = retry, [T,2T); :556 dial timeout tick−1';
  return {
    version,
    firstDial: (cr) =>
      v4
        ? {
            min: 0.75 * min,
            max: min,
            formula: `GoBGP ${version} first dial in [${0.75 * min}, ${min}) s (connectRetry ${cr} s not used for it)`,
          }
        : {
            min,
            max: 2 * min,
            formula: `GoBGP ${version} first dial in [${min}, ${2 * min}) s (connectRetry ${cr} s not used for it)`,
          },
    retry: (cr) => {
      const t = Math.max(cr, min);
      return v4
        ? {
            min: 0.75 * t,
            max: t,
            formula: `GoBGP ${version} retry in [0.75, 1) × max(connectRetry ${cr} s, ${min} s)`,
          }
        : { min: t, max: 2 * t, formula: `GoBGP ${version} retry in [1, 2) × max(connectRetry ${cr} s, ${min} s)` };
    },
    dialTimeout: (cr) => (v4 || lowMin ? Math.max(Math.max(cr, min) - 1, min) : Math.max(cr, min) - 1),
    idleHoldSeconds: 5,
    idleHoldAfterReset: { honoured: v4 || compareVersions(version, V3_IDLE_HOLD_AFTER_RESET) >= 0, defaultSeconds: 30 },
    ceaseIsHardReset: v4 || compareVersions(version, V3_HARD_RESET) >= 0,
    sources: {
      dial: dialSource,
      idleHold:
        'holdtimeIdle = 5 (v3.10.0 fsm.go:144, v3.37.0 fsm.go:145, v4.8.0 fsm.go:150), set on the first IDLE expiry (fsm.go:463, :464, :868): 0 s at process start, 5 s after every session error',
      idleHoldAfterReset:
        'used only for the IDLE after an administrative ResetPeer (v3.37.0 server.go:3736, in ResetPeer :3703-3740; cilium resets a peer only when its hold or keepalive changes). v3.10.0 drops it (grpc_server.go:694-699 copies only ConnectRetry/HoldTime/Keepalive/MinAdv; pkg/config/config.go:171-172 sends file peers through AddPeer) so default.go:21 sets 30 s; honoured from v3.15.0 (f8c6d24e; v3.37.0 grpc_server.go:741, v4.8.0 :1062)',
      hardReset:
        'sending: 0ccd87db (v3.26.0), ShouldHardReset for Max-Prefixes, Admin-Shutdown, Peer-Deconfigured (v3.37.0 pkg/packet/bgp/bgp.go:15098-15111; fsm.go:1672-1674, 1862-1864); absent at v3.10.0, which only honours a received Hard Reset (fsm.go:1126-1134)',
    },
  };
}
