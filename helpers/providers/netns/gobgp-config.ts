/**
 * The gobgpd configuration of an emulated Cilium node, built the way cilium-agent
 * configures its embedded GoBGP (Cilium 1.18: pkg/bgpv1/gobgp, server.go and peer.go; the
 * package moved to pkg/bgp/gobgp in a later line, alongside BMP/BFD code 1.18 does not have):
 * no listener (Cilium only dials out),
 * router-id = node IP, one neighbour per CiliumBGPClusterConfig peer with the PeerConfig's
 * timers, MD5 and graceful restart (also per address family, or it is not negotiated),
 * a global import policy that rejects everything but local routes, and a global export
 * policy that rejects everything but the exact VIP /32s selected for that neighbour.
 */
import { mergeByPrefix } from '../../model/cilium-attributes.js';
import type { OriginatedPath } from './mrt-rib.js';
import type { SpeakerIntent, SpeakerPeer } from '../../model/clusters.js';
import type { GobgpBehaviour } from '../../runtimes/gobgp-behaviour.js';

/**
 * cilium-agent sets IdleHoldTimeAfterReset to 5 s (pkg/bgpv1/gobgp/server.go
 * idleHoldTimeAfterResetSeconds, applied with the PeerConfig's timers in peer.go setPeerTimers).
 * GoBGP uses it only for the IDLE that follows an administrative ResetPeer (v3.37.0
 * pkg/server/server.go:3736; cilium resets a peer only when its hold or keepalive changes);
 * every other IDLE lasts holdtimeIdle = 5 s (fsm.go:145, :464). No fault of the lab resets a
 * peer, so the value shapes no measured number: it is set only to mirror Cilium's config.
 */
export const CILIUM_IDLE_HOLD_AFTER_RESET_SECONDS = 5;

/** gobgpd's config file content (as JSON) for one emulated node: global, neighbours, export sets and policies. */
export function gobgpConfig(intent: SpeakerIntent, gobgp: GobgpBehaviour): Record<string, unknown> {
  const { prefixSets, neighborSets, policies, exporting } = policyDefinitions(intent);
  return {
    global: {
      config: { as: intent.localASN, 'router-id': intent.routerId, port: -1 },
      'apply-policy': {
        config: {
          'import-policy-list': ['allow-local'],
          'default-import-policy': 'reject-route',
          'export-policy-list': exporting ? ['service-export'] : [],
          'default-export-policy': 'reject-route',
        },
      },
    },
    neighbors: intent.peers.map((peer) => gobgpNeighbor(peer, gobgp)),
    'defined-sets': { 'prefix-sets': prefixSets, 'neighbor-sets': neighborSets },
    'policy-definitions': policies,
  };
}

/**
 * The policies Cilium defines: `allow-local` (import), and `service-export` with one statement
 * per peer that is sent VIPs, matching that peer's exact /32s and its address. `exporting` is
 * false when no peer is sent any (then no export policy exists, and everything is rejected).
 */
function policyDefinitions(intent: SpeakerIntent): {
  prefixSets: unknown[];
  neighborSets: unknown[];
  policies: unknown[];
  exporting: boolean;
} {
  const prefixSets: unknown[] = [];
  const neighborSets: unknown[] = [];
  const statements: unknown[] = [];
  for (const peer of intent.peers) {
    if (peer.advertise.length === 0) continue;
    const tag = peer.name.replace(/[^A-Za-z0-9-]/g, '-');
    prefixSets.push({
      'prefix-set-name': `${tag}-vips`,
      'prefix-list': peer.advertise.map((a) => ({
        'ip-prefix': a.prefix,
        'masklength-range': `${a.prefix.split('/')[1]}..${a.prefix.split('/')[1]}`,
      })),
    });
    neighborSets.push({ 'neighbor-set-name': `${tag}-peer`, 'neighbor-info-list': [`${peer.address}/32`] });
    statements.push({
      name: `${tag}-ipv4-Service`,
      conditions: {
        'match-prefix-set': { 'prefix-set': `${tag}-vips`, 'match-set-options': 'any' },
        'match-neighbor-set': { 'neighbor-set': `${tag}-peer`, 'match-set-options': 'any' },
      },
      actions: { 'route-disposition': 'accept-route' },
    });
  }
  const policies: unknown[] = [
    {
      name: 'allow-local',
      statements: [
        {
          name: 'allow-local',
          conditions: { 'bgp-conditions': { 'route-type': 'local' } },
          actions: { 'route-disposition': 'accept-route' },
        },
      ],
    },
  ];
  if (statements.length > 0) policies.push({ name: 'service-export', statements });
  return { prefixSets, neighborSets, policies, exporting: statements.length > 0 };
}

/** One neighbour as Cilium configures it from a PeerConfig: timers, MD5, multihop, graceful restart, families; dial out only. */
function gobgpNeighbor(peer: SpeakerPeer, gobgp: GobgpBehaviour): Record<string, unknown> {
  return {
    config: {
      'neighbor-address': peer.address,
      'peer-as': peer.asn,
      ...(peer.password ? { 'auth-password': peer.password } : {}),
    },
    timers: {
      config: {
        'connect-retry': peer.connectRetrySeconds,
        'hold-time': peer.holdSeconds,
        'keepalive-interval': peer.keepaliveSeconds,
        // Set as Cilium sets it (no effect on any fault here: see above). GoBGP < 3.15 drops
        // the field from the API, through which a config file's peers go too (v3.10.0
        // grpc_server.go:694-699, pkg/config/config.go:171-172), and falls back to its 30 s
        // default (internal/pkg/config/default.go:126-127); the behaviour table says which applies.
        ...(gobgp.idleHoldAfterReset.honoured
          ? { 'idle-hold-time-after-reset': CILIUM_IDLE_HOLD_AFTER_RESET_SECONDS }
          : {}),
      },
    },
    transport: { config: { 'remote-port': peer.port, 'passive-mode': false } },
    ...(peer.ebgpMultihop > 1
      ? { 'ebgp-multihop': { config: { enabled: true, 'multihop-ttl': peer.ebgpMultihop } } }
      : {}),
    ...(peer.gracefulRestart
      ? {
          'graceful-restart': {
            config: {
              enabled: true,
              'restart-time': peer.gracefulRestart.restartTimeSeconds,
              'notification-enabled': true,
            },
          },
        }
      : {}),
    'afi-safis': peer.families.map((f) => ({
      config: { 'afi-safi-name': `${f.afi}-${f.safi}`, enabled: true },
      ...(peer.gracefulRestart ? { 'mp-graceful-restart': { config: { enabled: true } } } : {}),
    })),
  };
}

/** Every prefix the node originates (added to GoBGP's global RIB; export policy decides who gets it). */
export function originatedPrefixes(intent: SpeakerIntent): string[] {
  return originatedPaths(intent).map((p) => p.prefix);
}

/**
 * Every path the node originates, with its attributes. The emulation puts one path per prefix in
 * GoBGP's global RIB, so a prefix whose advertisements differ from peer to peer carries the
 * union (Cilium's own merge rule) to every peer; `check` warns where that differs from Cilium's
 * per-peer export (helpers/model/warnings.ts).
 */
export function originatedPaths(intent: SpeakerIntent): OriginatedPath[] {
  return mergeByPrefix(intent.peers.flatMap((p) => p.advertise)).map(({ prefix, attributes }) => ({
    prefix,
    attributes,
  }));
}
