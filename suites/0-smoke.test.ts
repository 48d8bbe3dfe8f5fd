/**
 * Smoke: the lab came up as the configs describe it. Bring-up converged (a lab that does not
 * is kept up so every suite can say what breaks; this test names why). Every BGP session of the topology is
 * Established on both ends, and each client gets an answer from the VIP, served by one of
 * the clusters and seeing the client's own address.
 */
import { describe, expect, inject, it } from 'vitest';
import { sessionEstablished } from '../helpers/claims/session-claims.js';
import { httpGetMany, type ProbeResult } from '../helpers/readers/http-probe.js';
import { labSessions } from '../helpers/model/lab-sessions.js';
import { advertisedVips, vipPort } from '../helpers/model/expected-routes.js';
import { useLab } from './lab.js';

const lab = await useLab();
const model = lab.model;
const vips = [...advertisedVips(model)];
// One curl per client for every VIP (at K VIPs one exec, not K), at the client's first test.
const answers = new Map<string, Promise<Map<string, ProbeResult>>>();
const answer = (client: string, vip: string) => {
  if (!answers.has(client))
    answers.set(
      client,
      httpGetMany(
        lab,
        client,
        vips.map(([v]) => ({ vip: v, port: vipPort(model, v) })),
      ),
    );
  return answers.get(client)!.then((m) => m.get(`${vip}:${vipPort(model, vip)}`)!);
};

describe('smoke: sessions and reachability', () => {
  it('the lab converged after bring-up: every session Established, every FIB as the configs install', () => {
    const c = inject('convergence');
    expect(c.converged, c.converged ? undefined : c.problem).toBe(true);
  });

  it.each(labSessions(model).map((s) => [s.name, s] as const))(
    'BGP session %s is Established on both ends',
    async (_name, s) => {
      expect(await sessionEstablished(lab, s)).toEqual([]);
    },
  );

  it('the clusters advertise at least one VIP', () => {
    expect(vips.length, 'VIPs advertised by the fixtures').toBeGreaterThan(0);
  });

  for (const client of Object.keys(model.hosts)) {
    for (const [vip, clusters] of vips) {
      it(`${client} gets an HTTP answer from ${vip}, served by one of ${clusters.join(', ')}`, async () => {
        const r = await answer(client, vip);
        expect(r.error).toBeUndefined();
        expect(clusters).toContain(r.reply?.cluster);
        const clientIps = model.hosts[client]!.addresses.map((a) => a.cidr.split('/')[0]);
        expect(clientIps, 'the server saw the request from the client address').toContain(r.reply?.remoteIp);
      });
    }
  }
});
