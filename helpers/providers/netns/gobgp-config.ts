/**
 * The gobgpd configuration of an emulated Cilium node, built the way cilium-agent
 * configures its embedded GoBGP (pkg/bgp/gobgp): no listener (Cilium only dials out),
 * router-id = node IP, one neighbour per CiliumBGPClusterConfig peer with the PeerConfig's
 * timers, MD5 and graceful restart (also per address family, or it is not negotiated),
 * a global import policy that rejects everything but local routes, and a global export
 * policy that rejects everything but the exact VIP /32s selected for that neighbour.
 */
import type { SpeakerIntent } from '../../model/clusters.js';
import type { GobgpBehaviour } from '../../runtimes/gobgp-behaviour.js';

/** cilium-agent sets IdleHoldTimeAfterReset to 5 s on every peer (Cilium 1.18 pkg/bgpv1/gobgp, see upstream-versions notes). */
export const CILIUM_IDLE_HOLD_AFTER_RESET_SECONDS = 5;

export function gobgpConfig(intent: SpeakerIntent, gobgp: GobgpBehaviour): Record<string, unknown> {
  const prefixSets: unknown[] = [];
  const neighborSets: unknown[] = [];
  const statements: unknown[] = [];
  for (const peer of intent.peers) {
    if (peer.advertise.length === 0) continue;
    const tag = peer.name.replace(/[^A-Za-z0-9-]/g, '-');
    prefixSets.push({
      'prefix-set-name': `${tag}-vips`,
      'prefix-list': peer.advertise.map((a) => ({ 'ip-prefix': a.prefix, 'masklength-range': `${a.prefix.split('/')[1]}..${a.prefix.split('/')[1]}` })),
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
  const policies: unknown[] = [{ name: 'allow-local', statements: [{ name: 'allow-local', conditions: { 'bgp-conditions': { 'route-type': 'local' } }, actions: { 'route-disposition': 'accept-route' } }] }];
  if (statements.length > 0) policies.push({ name: 'service-export', statements });

  return {
    global: {
      config: { as: intent.localASN, 'router-id': intent.routerId, port: -1 },
      'apply-policy': {
        config: {
          'import-policy-list': ['allow-local'],
          'default-import-policy': 'reject-route',
          'export-policy-list': statements.length > 0 ? ['service-export'] : [],
          'default-export-policy': 'reject-route',
        },
      },
    },
    neighbors: intent.peers.map((peer) => ({
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
          // Set as Cilium sets it. GoBGP < 3.15 drops the field (from the API and from a file
          // alike) and uses its 30 s default; the behaviour table says which applies.
          ...(gobgp.idleHoldAfterReset.honoured ? { 'idle-hold-time-after-reset': CILIUM_IDLE_HOLD_AFTER_RESET_SECONDS } : {}),
        },
      },
      transport: { config: { 'remote-port': peer.port, 'passive-mode': false } },
      ...(peer.ebgpMultihop > 1 ? { 'ebgp-multihop': { config: { enabled: true, 'multihop-ttl': peer.ebgpMultihop } } } : {}),
      ...(peer.gracefulRestart
        ? { 'graceful-restart': { config: { enabled: true, 'restart-time': peer.gracefulRestart.restartTimeSeconds, 'notification-enabled': true } } }
        : {}),
      'afi-safis': peer.families.map((f) => ({
        config: { 'afi-safi-name': `${f.afi}-${f.safi}`, enabled: true },
        ...(peer.gracefulRestart ? { 'mp-graceful-restart': { config: { enabled: true } } } : {}),
      })),
    })),
    'defined-sets': { 'prefix-sets': prefixSets, 'neighbor-sets': neighborSets },
    'policy-definitions': policies,
  };
}

/** Every prefix the node originates (added to GoBGP's global RIB; export policy decides who gets it). */
export function originatedPrefixes(intent: SpeakerIntent): string[] {
  return [...new Set(intent.peers.flatMap((p) => p.advertise.map((a) => a.prefix)))];
}
