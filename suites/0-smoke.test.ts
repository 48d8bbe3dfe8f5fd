/**
 * Smoke: the lab came up as the configs describe it. Every BGP session of the topology is
 * Established on both ends, and each client gets an answer from the VIP, served by one of
 * the clusters and seeing the client's own address.
 */
import { describe, expect, it } from 'vitest';
import { bgpNeighbors } from '../helpers/clients/frr.js';
import { httpGet } from '../helpers/clients/http-probe.js';
import { addressOwner, advertisedVips } from '../helpers/model/expected-routes.js';
import { useLab } from './lab.js';

const lab = await useLab();
const model = lab.model;

/** Each session once, named by its two ends, from the routers' neighbour statements. */
function sessions() {
  const seen = new Map<string, { a: string; aAddr: string; b: string; bAddr: string }>();
  for (const r of Object.values(model.routers)) {
    for (const addr of Object.keys(r.frr.bgp?.neighbors ?? {})) {
      const peer = addressOwner(model, addr) ?? addr;
      const key = [r.name, peer].sort().join(' <-> ');
      if (!seen.has(key)) seen.set(key, { a: r.name, aAddr: addr, b: peer, bAddr: '' });
    }
  }
  return [...seen.entries()];
}

describe('smoke: sessions and reachability', () => {
  it.each(sessions())('BGP session %s is Established on both ends', async (_name, s) => {
    const fromA = (await bgpNeighbors(lab, s.a))[s.aAddr];
    expect(fromA?.state, `${s.a} sees its session to ${s.aAddr} as`).toBe('Established');
    if (model.routers[s.b]) {
      const back = Object.values(await bgpNeighbors(lab, s.b)).find((n) => addressOwner(model, n.address) === s.a);
      expect(back?.state, `${s.b} sees its session to ${s.a} as`).toBe('Established');
    } else {
      const peers = await lab.speakerPeers(s.b);
      const back = peers.find((p) => addressOwner(model, p.peerAddress) === s.a);
      expect(back?.state, `${s.b}'s BGP speaker sees its session to ${s.a} as`).toBe('established');
    }
  });

  const vips = [...advertisedVips(model)];
  it('the clusters advertise at least one VIP', () => {
    expect(vips.length, 'VIPs advertised by the fixtures').toBeGreaterThan(0);
  });

  for (const client of Object.keys(model.hosts)) {
    for (const [vip, clusters] of vips) {
      it(`${client} gets an HTTP answer from ${vip}, served by one of ${clusters.join(', ')}`, async () => {
        const r = await httpGet(lab, client, vip);
        expect(r.error).toBeUndefined();
        expect(clusters).toContain(r.reply?.cluster);
        const clientIps = model.hosts[client]!.addresses.map((a) => a.cidr.split('/')[0]);
        expect(clientIps, 'the server saw the request from the client address').toContain(r.reply?.remoteIp);
      });
    }
  }
});
