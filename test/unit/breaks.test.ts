/**
 * Suite 5's breaks as data (suites/breakage/breaks.ts), without a lab: on the seed lab each
 * applies, configured from the model; on a lab where one cannot apply it says why (the suite
 * reports that "not verified"); every claim a break must trip is named by its export in
 * helpers/claims/; and a claim that still passes under its break fails as "gate missed".
 */
import { describe, expect, it } from 'vitest';
import { vtyshJsonClaim } from '../../helpers/claims/json-subset.js';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { labSessions } from '../../helpers/model/lab-sessions.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { BREAKS, trip, type Plan } from '../../suites/breakage/breaks.js';
import { claimName, judgeBroken } from '../../suites/breakage/run-break.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const plans = BREAKS.map((b) => b.plan(model));
const planOf = (name: string, m = model) => BREAKS.find((b) => b.name.includes(name))!.plan(m);

describe('the breaks on the seed lab', () => {
  it('each applies, and each claim it must trip is a named check of helpers/claims/', () => {
    for (const p of plans) {
      expect(typeof p, String(p)).toBe('object');
      for (const t of (p as Plan).trips) expect(claimName(t.claim)).toMatch(/^(session|vip|vtysh)\w+$/);
    }
    expect((plans as Plan[]).map((p) => p.trips.map((t) => claimName(t.claim)))).toEqual([
      ['vipRouteRib', 'vipRouteFib', 'vipForwardedOver'],
      ['sessionEstablished'],
      ['vtyshJsonClaim'],
    ]);
  });

  it('configures what the model says: the meeting point, the MD5 session, the router upstream of the claim', () => {
    const meeting = expectedVipRoutes(model).find((e) => e.meetingPoint)!;
    const relax = planOf('multipath-relax') as Plan;
    expect(relax.router).toBe(meeting.router);
    expect(relax.apply).toEqual([
      `router bgp ${model.routers[meeting.router]!.frr.bgp!.asn}`,
      'no bgp bestpath as-path multipath-relax',
    ]);
    const s = labSessions(model).find((x) => x.md5 && x.b.kind === 'speaker')!;
    const md5 = planOf('MD5') as Plan;
    expect([md5.router, md5.lift]).toEqual([
      s.a.node,
      [`router bgp ${s.a.asn}`, `neighbor ${s.b.address} password ${s.a.password}`],
    ]);
    expect(md5.apply[1]).not.toBe(md5.lift[1]);
    const prepend = planOf('prepend') as Plan;
    const claim = model.intent!.intent.vtysh[0]!;
    const s2 = labSessions(model).find((x) => x.b.kind === 'frr' && [x.a.node, x.b.node].includes(claim.router))!;
    const [leaf, up] = s2.a.node === claim.router ? [s2.a, s2.b] : [s2.b, s2.a];
    expect(prepend.router).toBe(up.node);
    expect(prepend.apply).toContain(`set as-path prepend ${up.asn}`);
    expect(prepend.refresh).toBe(`clear bgp ipv4 unicast ${leaf.address} soft out`);
  });
});

describe('a break that cannot apply says why', () => {
  it('no AS-path claim in intent.yaml', () => {
    expect(planOf('prepend', { ...model, intent: undefined })).toMatch(/^intent\.yaml declares no AS-path claim/);
  });

  it('a meeting point without multipath-relax has none to remove', () => {
    const c = labCopy();
    c.edit('containerlab/configs/spine.frr.conf', / bgp bestpath as-path multipath-relax\n/, '');
    expect(planOf('multipath-relax', loadLabModel({ root: c.root }))).toMatch(
      /^no meeting point \(spine\) owes its ECMP to "bgp bestpath as-path multipath-relax"$/,
    );
  });
});

describe('the gate', () => {
  const holds = { router: 'leaf1', command: 'show thing', expected: { a: 1 } };
  const plan = (messages: RegExp[]): Plan => ({
    title: 't',
    router: 'leaf1',
    apply: [],
    lift: [],
    settle: { what: 'nothing', seconds: 0.1, until: async () => undefined },
    trips: [trip(vtyshJsonClaim, holds, ...messages)],
  });
  const lab = (json: string) => ({ model, vtysh: async () => json }) as unknown as LabHandle;

  it('a claim that still passes under its break is a failure naming the break and the claim', async () => {
    await expect(judgeBroken(lab('{"a":1}'), 'a break', plan([/a: expected 1, got 2/]))).rejects.toThrow(
      /^gate missed a break: vtyshJsonClaim still passes$/,
    );
  });

  it('a claim that fails with other sentences than expected is a failure too; the expected ones pass', async () => {
    await expect(judgeBroken(lab('{"a":3}'), 'a break', plan([/a: expected 1, got 2$/]))).rejects.toThrow(
      /vtyshJsonClaim under "a break"/,
    );
    await expect(judgeBroken(lab('{"a":2}'), 'a break', plan([/a: expected 1, got 2$/]))).resolves.toBeUndefined();
  });
});
