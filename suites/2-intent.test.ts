/**
 * Suite 2 (intent): what intent.yaml declares must hold, whatever the files derive. First the
 * files against the intent (the divergences `check` names), then the running lab: each
 * declared ECMP router forwards the VIP to exactly the declared clusters (followed hop by
 * hop through the live FIBs, not through the derived expectations), each declared client
 * is answered by a declared cluster, each declared session is Established, and each of the
 * lab's own vtysh JSON claims holds. A lab without intent.yaml has nothing declared: this
 * suite says "not verified" in one test, and the run's verdict stays the network's.
 */
import { describe, expect, it } from 'vitest';
import { sessionEstablished } from '../helpers/claims/session-claims.js';
import { frozenRoutes } from '../helpers/readers/frr.js';
import { httpGetMany, type ProbeResult } from '../helpers/readers/http-probe.js';
import { drainedUnreached, vipForwardedOver, vipPathsCarry } from '../helpers/claims/intent-claims.js';
import { vtyshJsonClaim } from '../helpers/claims/json-subset.js';
import { notVerified } from '../helpers/report/not-verified.js';
import { intentProblems } from '../helpers/model/intent-problems.js';
import { labSessions } from '../helpers/model/lab-sessions.js';
import { formatProblem } from '../helpers/model/errors.js';
import { declaredPair } from '../helpers/model/intent.js';
import { useLab } from './lab.js';

const lab = await useLab();
const model = lab.model;
const declared = model.intent?.intent;
// Every VIP's forwarding followed through one dump of each router's FIB (at K VIPs: one read per router, not K).
const routes = frozenRoutes(lab);
// One curl per client for every declared VIP it must reach (at K VIPs one exec, not K).
const answers = new Map<string, Promise<Map<string, ProbeResult>>>();
const answer = (client: string, vip: string, port: number) => {
  if (!answers.has(client)) {
    const targets = (declared?.vips ?? [])
      .filter((v) => v.reachableFrom.includes(client))
      .map((v) => ({ vip: v.address, port: v.port ?? 80 }));
    answers.set(client, httpGetMany(lab, client, targets));
  }
  return answers.get(client)!.then((m) => m.get(`${vip}:${port}`)!);
};

describe('declared intent (intent.yaml)', () => {
  it(declared ? `${model.intent!.doc.file}: the files keep it` : 'what intent.yaml declares', (ctx) => {
    // A lab without intent.yaml is not broken: it declares nothing, so nothing here is verified.
    if (!model.intent)
      notVerified(
        ctx,
        'no intent.yaml beside containerlab/ and fixtures/ declares what must hold; `anycast-verify intent --init` writes one from files `check` accepts',
      );
    expect(intentProblems(model).map(formatProblem)).toEqual([]);
  });

  for (const v of declared?.vips ?? []) {
    describe(`${v.address} (${v.service}) from ${v.clusters.join(', ')}`, () => {
      for (const e of v.ecmp)
        it(`${e.router} forwards it over ${e.over.join(', ')}`, async () =>
          expect(await vipForwardedOver(routes, { router: e.router, vip: v.address, over: e.over })).toEqual([]));
      for (const client of v.reachableFrom)
        it(`${client} is answered by one of ${v.clusters.join(', ')}`, async () => {
          const r = await answer(client, v.address, v.port ?? 80);
          expect(r.error, `${client} → ${v.address}`).toBeUndefined();
          expect(v.clusters).toContain(r.reply?.cluster);
          expect(v.drained, `${client} answered by a drained cluster`).not.toContain(r.reply?.cluster);
        });
      for (const cluster of v.drained)
        it(`the drained ${cluster} is reached from no router but its own leaf`, async () =>
          expect(await drainedUnreached(lab, { vip: v.address, cluster })).toEqual([]));
      for (const community of v.communities)
        it(`every cluster's path carries ${community}, as its leaf receives it`, async () =>
          expect(await vipPathsCarry(lab, { vip: v.address, clusters: v.clusters, community })).toEqual([]));
    });
  }

  for (const c of declared?.vtysh ?? [])
    it(`${c.router}: ${c.command} json holds ${JSON.stringify(c.expected)}${c.why ? ` (${c.why})` : ''}`, async () =>
      expect(await vtyshJsonClaim(lab, c)).toEqual([]));

  for (const [a, b] of (declared?.sessions ?? []).map(declaredPair))
    it(`session ${a} ↔ ${b} is Established`, async () => {
      const s = labSessions(model).find((x) => [x.a.node, x.b.node].sort().join() === [a, b].sort().join());
      expect(s, `the configs define a session between ${a} and ${b}`).toBeDefined();
      expect(await sessionEstablished(lab, s!)).toEqual([]);
    });
});
