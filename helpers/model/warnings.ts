/**
 * What the files allow but is almost certainly not meant: said by `check` and at the start of a
 * test run as warnings (the lab still builds, the way Cilium still accepts it).
 */
import type { Problem } from './errors.js';
import type { LabModel } from './lab-model.js';
import { poolConflicts } from './lb-ipam.js';
import { sessionTimerWarnings } from './bgp-sessions.js';
import { policyWarnings } from './policy-notes.js';
import { sameAttributes } from './cilium-attributes.js';
import type { AdvertisedPrefix, SpeakerPeer } from './clusters.js';

export function modelWarnings(model: LabModel): Problem[] {
  const out: Problem[] = [];
  for (const c of Object.values(model.clusters)) {
    for (const conflict of poolConflicts(c.objects.pools)) {
      const pool = c.objects.pools.find((p) => p.metadata.name === conflict.pool)!;
      const doc = c.sources.get(pool);
      out.push({
        file: doc?.file ?? 'fixtures',
        field: 'spec.blocks',
        line: doc?.lineOf(['spec', 'blocks']),
        message: `pool ${conflict.pool} (${conflict.range}) overlaps ${conflict.otherRange} of pool ${conflict.with} in ${c.name}: Cilium marks the pool added last Conflicting (cilium.io/PoolConflict) and allocates nothing from it`,
      });
    }
  }
  for (const c of Object.values(model.clusters))
    for (const pod of c.pods.filter((p) => !p.ready))
      out.push({
        file: 'fixtures/workloads',
        field: `${pod.namespace}/${pod.deployment}`,
        message: `pod ${pod.name} on ${pod.node} never becomes ready: ${pod.notReady}; it is no backend, and with externalTrafficPolicy Local its node does not advertise the VIP`,
      });
  out.push(...attributeSplits(model));
  out.push(...sessionTimerWarnings(model));
  out.push(...policyWarnings(model));
  return out;
}

/**
 * A node whose peers get one VIP with different attributes (their PeerConfigs select different
 * advertisements): Cilium exports per peer, the emulated node holds one path per prefix and
 * sends every peer the merge (helpers/providers/netns/gobgp-config.ts originatedPaths).
 */
export function attributeSplits(model: LabModel): Problem[] {
  const out: Problem[] = [];
  for (const c of Object.values(model.clusters))
    for (const sp of Object.values(c.speakers)) {
      // Each prefix with every peer that gets it, in one pass (a node may originate thousands).
      const byPrefix = new Map<string, { p: SpeakerPeer; a: AdvertisedPrefix }[]>();
      for (const p of sp.peers)
        for (const a of p.advertise) byPrefix.set(a.prefix, [...(byPrefix.get(a.prefix) ?? []), { p, a }]);
      for (const [prefix, each] of byPrefix) {
        if (each.every(({ a }) => sameAttributes(a.attributes, each[0]!.a.attributes))) continue;
        out.push({
          file: each[0]!.p.source.peerConfig ?? each[0]!.p.source.clusterConfig,
          field: `${sp.node} ${prefix}`,
          message: `${sp.node}'s peers ${each.map(({ p }) => p.name).join(', ')} get ${prefix} with different attributes; Cilium exports per peer, the emulated node sends every peer their merge (the union of communities, the largest local preference)`,
        });
      }
    }
  return out;
}
