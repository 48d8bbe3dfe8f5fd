/**
 * A CiliumBGPAdvertisement's path attributes (helpers/model/cilium-attributes.ts): normalised as
 * Cilium's API spells them, merged as Cilium merges overlapping advertisements, and followed by
 * the derivation: a cluster that advertises its VIP with GRACEFUL_SHUTDOWN (`planned-shut`) is
 * drained, since FRR gives a path received with it from an eBGP peer local preference 0.
 */
import { describe, expect, it } from 'vitest';
import { mergeAttributes, pathAttributes, standardCommunity } from '../../helpers/model/cilium-attributes.js';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { acceptedFromSpeaker } from '../../helpers/model/path-derivation.js';
import { labCopy } from '../support/lab-copy.js';
import { attributeSplits } from '../../helpers/model/warnings.js';
import type { LabModel } from '../../helpers/model/lab-model.js';

describe("an advertisement's attributes", () => {
  it('spells every standard community AA:NN (a 32-bit decimal too) and every well-known name by its value', () => {
    expect(standardCommunity('4259840100')).toBe('65000:100');
    expect(
      pathAttributes({ communities: { standard: ['65000:100', '0065:07'], wellKnown: ['no-export', 'planned-shut'] } }),
    ).toEqual({ communities: ['65:7', '65000:100', '65535:0', '65535:65281'], large: [] });
    expect(pathAttributes(undefined)).toEqual({ communities: [], large: [] });
  });

  it('merges overlapping advertisements as Cilium ≥ 1.18 does: the union of communities, the largest local preference', () => {
    expect(
      mergeAttributes(
        { communities: ['65000:1'], large: ['1:1:1'], localPreference: 50 },
        { communities: ['65000:1', '65000:2'], large: ['2:2:2'], localPreference: 200 },
      ),
    ).toEqual({ communities: ['65000:1', '65000:2'], large: ['1:1:1', '2:2:2'], localPreference: 200 });
    expect(mergeAttributes({ communities: [], large: [] }, { communities: [], large: [] })).toEqual({
      communities: [],
      large: [],
    });
  });
});

describe('a drain by advertisement: cluster01 advertises its VIP with GRACEFUL_SHUTDOWN', () => {
  const drained = () => {
    const c = labCopy();
    c.write(
      'fixtures/cilium/cluster01/drain.yaml',
      [
        'apiVersion: cilium.io/v2',
        'kind: CiliumBGPAdvertisement',
        'metadata:',
        '  name: drain',
        '  labels: {advertise: bgp}',
        'spec:',
        '  advertisements:',
        '    - advertisementType: Service',
        '      service: {addresses: [LoadBalancerIP]}',
        '      selector: {matchLabels: {lbmode: bgp}}',
        '      attributes: {communities: {wellKnown: [planned-shut]}}',
        '',
      ].join('\n'),
    );
    return loadLabModel({ root: c.root });
  };

  it('the node sends the community, and its leaf still takes the path', () => {
    const m = drained();
    const sp = m.clusters.cluster01!.speakers.cluster01!;
    expect(sp.peers[0]!.advertise[0]!.attributes.communities).toEqual(['65535:0']);
    expect(
      acceptedFromSpeaker(
        m,
        'leaf2',
        sp.peers[0]!.address === '192.168.49.101' ? '192.168.49.2' : '192.168.49.2',
        65101,
        sp.peers[0]!.advertise,
      ),
    ).toHaveLength(1);
  });

  it("the fabric leaves cluster01: its own leaf prefers the spine's path (100 over 0), so the spine hears cluster02 only", () => {
    const routes = expectedVipRoutes(drained());
    const at = (r: string) => routes.find((e) => e.router === r)!;
    expect(at('leaf2').candidates.map((c) => [c.via, c.clusters.join()])).toEqual([['spine', 'cluster02']]);
    expect(at('leaf2').policy).toMatch(
      /the path via cluster01 to cluster01 loses: local preference 0 is below 100 \(GRACEFUL_SHUTDOWN received: local preference 0\)/,
    );
    expect(at('spine').candidates.flatMap((c) => c.clusters)).toEqual(['cluster02']);
    const seed = expectedVipRoutes(loadLabModel({ root: labCopy().root })).find((e) => e.router === 'spine')!;
    expect(seed.candidates.flatMap((c) => c.clusters).sort()).toEqual(['cluster01', 'cluster02']);
  });
});

describe('one VIP with different attributes per peer', () => {
  const peer = (name: string, communities: string[]) => ({
    name,
    source: { clusterConfig: 'fixtures/cilium/cluster01/bgp-cluster-config.yaml', peerConfig: `pc-${name}.yaml` },
    advertise: [{ prefix: '172.30.0.10/32', service: 'a/b', attributes: { communities, large: [] } }],
  });
  const model = (peers: unknown[]) =>
    ({ clusters: { cluster01: { speakers: { n1: { node: 'n1', peers } } } } }) as unknown as LabModel;
  it('is said: the emulated node sends every peer the merge, where Cilium exports per peer', () => {
    expect(attributeSplits(model([peer('tor1', ['65000:1']), peer('tor2', [])])).map((p) => p.message)).toEqual([
      "n1's peers tor1, tor2 get 172.30.0.10/32 with different attributes; Cilium exports per peer, the emulated node sends every peer their merge (the union of communities, the largest local preference)",
    ]);
    expect(attributeSplits(model([peer('tor1', ['65000:1']), peer('tor2', ['65000:1'])]))).toEqual([]);
  });
});
