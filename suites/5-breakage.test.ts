/**
 * The gate catches what it should: break the lab the way a bad change would, and the right
 * check fails with a message an on-call engineer understands; lift the break and it passes.
 *   - the spine loses `bgp bestpath as-path multipath-relax` → the VIP-routes claim fails (no ECMP)
 *   - a leaf gets a wrong MD5 password → the sessions claim fails (not Established)
 *   - the router upstream of a leaf prepends its AS once more towards it → the lab's own
 *     AS-path claim (a `vtysh:` entry of intent.yaml) fails, naming the length it expected
 *     and the one it found (not verified on a lab that declares none)
 *   - the VIP pool changes → nothing fails, and the VIP moves everywhere consistently
 *     (netns: a second lab built from a changed copy of the files, run side by side;
 *     containerlab: the running lab's pool reconfigured, then restored: helpers/lab/pool-change.ts)
 * (Config-level breakage of the files themselves is caught earlier, by `check`: test/unit.)
 */
import { bringUp, convergenceDeadlineSeconds } from '../helpers/lab/bring-up.js';
import { poolChangeMethod, withChangedPool } from '../helpers/lab/pool-change.js';
import { recordMetric } from '../helpers/report/metrics.js';
import { describe, expect, it } from 'vitest';
import { allOf } from '../helpers/checks/check.js';
import { vtyshJsonClaim } from '../helpers/checks/json-subset.js';
import { sessionAsConfigured, sessionEstablished } from '../helpers/checks/session-checks.js';
import { vipRouteFib, vipRouteRib } from '../helpers/checks/vip-route-checks.js';
import { kernelNextHops } from '../helpers/clients/frr.js';
import { vipForwardedOver } from '../helpers/checks/intent-checks.js';
import { httpGet } from '../helpers/clients/http-probe.js';
import { convergenceProblem } from '../helpers/lab/convergence.js';
import { labSessions } from '../helpers/lab/sessions.js';
import { createProvider } from '../helpers/lab/select-provider.js';
import { advertisedVips, expectedVipRoutes, vipPort } from '../helpers/model/expected-routes.js';
import { Deadline, waitUntil } from '../helpers/runtime/poll.js';
import { labCopy } from '../test/support/lab-copy.js';
import { notVerified } from '../helpers/report/not-verified.js';
import { useLab } from './lab.js';

const lab = await useLab();
const model = lab.model;
const meeting = expectedVipRoutes(model).find((e) => e.meetingPoint)!;
const router = model.routers[meeting.router]!;
const reconverged = () =>
  waitUntil(() => convergenceProblem(lab), {
    what: 'the lab to re-converge after the break was lifted',
    deadline: new Deadline(30_000),
  });

async function vtyshConfig(r: string, lines: string[]): Promise<void> {
  await lab.vtysh(r, ['configure terminal', ...lines, 'end'].join('\n'));
}

describe('breaking the lab breaks the right claim', () => {
  it(`${meeting.router} without multipath-relax: VIP routes fail, naming the missing next hop`, async () => {
    const relax = ['router bgp ' + router.frr.bgp!.asn];
    try {
      await vtyshConfig(meeting.router, [...relax, 'no bgp bestpath as-path multipath-relax']);
      await waitUntil(
        async () => ((await kernelNextHops(lab, meeting.router, meeting.vip)).length === 1 ? undefined : 'still ECMP'),
        { what: `${meeting.router} to drop to one path`, deadline: new Deadline(10_000) },
      );
      expect((await vipRouteRib(lab, meeting)).join('\n')).toMatch(
        new RegExp(
          `${meeting.router} selects ${meeting.vip.replace(/\./g, '\\.')} via \\[[^\\]]+\\], expected ECMP over .*: missing`,
        ),
      );
      expect((await vipRouteFib(lab, meeting)).join('\n')).toMatch(/kernel routes .* expected exactly .*: missing/);
      // The declared intent's live claim too: the router now forwards over one cluster only.
      const over = [...new Set(meeting.candidates.flatMap((c) => c.clusters))];
      expect((await vipForwardedOver(lab, { router: meeting.router, vip: meeting.vip, over })).join('\n')).toMatch(
        new RegExp(
          `^${meeting.router} forwards ${meeting.vip.replace(/\./g, '\\.')} over (${over.join('|')}), intent says ${over.sort().join(', ')}$`,
        ),
      );
    } finally {
      await vtyshConfig(meeting.router, [...relax, 'bgp bestpath as-path multipath-relax']);
      await reconverged();
    }
  });

  const mdSession = labSessions(model).find((s) => s.md5 && s.b.kind === 'speaker')!;
  it(`wrong MD5 password on ${mdSession.a.node}: the session to ${mdSession.b.node} fails, on both ends`, async () => {
    const nb = `neighbor ${mdSession.b.address}`;
    const bgp = `router bgp ${mdSession.a.asn}`;
    try {
      await vtyshConfig(mdSession.a.node, [bgp, `${nb} password not-the-cilium-secret`]);
      // A changed password resets the session; the node's SYNs then fail MD5 and are dropped.
      await waitUntil(
        async () => ((await sessionEstablished(lab, mdSession)).length > 0 ? undefined : 'still Established'),
        { what: 'the session to drop', deadline: new Deadline(15_000) },
      );
      const established = await sessionEstablished(lab, mdSession);
      expect(established, 'both ends report the session down').toHaveLength(2);
      expect(established[0]).toMatch(
        new RegExp(`^${mdSession.a.node} sees its session to ${mdSession.b.node} .* as (Active|Connect|Idle)`),
      );
      expect(established[1]).toMatch(
        new RegExp(`^${mdSession.b.node} sees its session to ${mdSession.a.node} .* as (idle|connect|active)`),
      );
      // It stays down: the node keeps dialling with the Secret's password.
      await expect
        .poll(async () => (await sessionEstablished(lab, mdSession)).length, { timeout: 3000, interval: 500 })
        .toBeGreaterThan(0);
    } finally {
      await vtyshConfig(mdSession.a.node, [bgp, `${nb} password ${mdSession.a.password}`]);
      await reconverged();
    }
  });

  // The lab's declared AS-path claim (intent.yaml `vtysh:`) fails when the path changes: the router the claim's
  // leaf peers with (from the model) prepends its own AS once more towards it, so the leaf's path is one longer.
  const asPathClaim = model.intent?.intent.vtysh.find((c) => asPathLength(c.expected) !== undefined);
  const uplink =
    asPathClaim &&
    labSessions(model).find(
      (s) => s.a.kind === 'frr' && s.b.kind === 'frr' && [s.a.node, s.b.node].includes(asPathClaim.router),
    );
  const [leaf, upstream] = !uplink
    ? []
    : uplink.a.node === asPathClaim!.router
      ? [uplink.a, uplink.b]
      : [uplink.b, uplink.a];
  const title = upstream
    ? `${upstream.node} prepends AS${upstream.asn} towards ${leaf!.node}: the AS-path claim fails, naming the length expected and found`
    : 'a prepend upstream of a declared AS-path claim fails that claim';
  it(title, async (ctx) => {
    if (!asPathClaim || !leaf || !upstream)
      notVerified(
        ctx,
        asPathClaim
          ? `${asPathClaim.router}, the router of intent.yaml's AS-path claim, has no FRR neighbour to prepend from`
          : 'intent.yaml declares no AS-path claim (a `vtysh:` entry expecting paths[0].aspath.length), so there is none to break',
      );
    const expectedLength = asPathLength(asPathClaim.expected)!;
    const routeMap = 'AV-BREAKAGE-PREPEND';
    const towardsLeaf = [`router bgp ${upstream.asn}`, 'address-family ipv4 unicast'];
    const softOut = () => lab.vtysh(upstream.node, `clear bgp ipv4 unicast ${leaf.address} soft out`);
    try {
      await vtyshConfig(upstream.node, [
        `route-map ${routeMap} permit 10`,
        `set as-path prepend ${upstream.asn}`,
        'exit',
        ...towardsLeaf,
        `neighbor ${leaf.address} route-map ${routeMap} out`,
      ]);
      await softOut();
      await waitUntil(
        async () => ((await vtyshJsonClaim(lab, asPathClaim)).length > 0 ? undefined : 'AS path unchanged'),
        { what: `${leaf.node} to hear the longer AS path`, deadline: new Deadline(10_000) },
      );
      const problems = await vtyshJsonClaim(lab, asPathClaim);
      expect(problems, 'one problem: the length').toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(
          `^${leaf.node} ${asPathClaim.command.replace(/\./g, '\\.')} json: paths\\[0\\]\\.aspath\\.length: expected ${expectedLength}, got ${expectedLength + 1}$`,
        ),
      );
    } finally {
      await vtyshConfig(upstream.node, [
        ...towardsLeaf,
        `no neighbor ${leaf.address} route-map ${routeMap} out`,
        'exit-address-family',
        'exit',
        `no route-map ${routeMap}`,
      ]);
      await softOut();
      await waitUntil(async () => (await vtyshJsonClaim(lab, asPathClaim)).join('; ') || undefined, {
        what: `${leaf.node} to hear the original AS path again`,
        deadline: new Deadline(10_000),
      });
      await reconverged();
    }
  });

  // netns runs a second lab beside this one; containerlab cannot (its copy would reuse this
  // lab's minikube profiles, networks and bridges), so it reconfigures this lab's pool and
  // restores it (helpers/lab/pool-change.ts). The title and a metric say which ran.
  const method = poolChangeMethod(lab);
  const poolTitle = lab.canRunSecondLab
    ? 'a changed VIP pool fails nothing and moves the VIP everywhere consistently'
    : `a changed VIP pool (${method}) fails nothing and moves the VIP everywhere consistently`;
  it(poolTitle, async ({ task }) => {
    const copy = labCopy();
    copy.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: (\S+)\n(\s+)stop: (\S+)/,
      'start: 172.31.9.40\n$2stop: 172.31.9.50',
    );
    recordMetric(task, { key: 'breakage.poolChangeMethod', name: 'method', value: method });
    const oldVip = [...advertisedVips(model).keys()][0]!;
    const used = await withChangedPool(
      lab,
      copy,
      async (view, changed) => {
        const vips = [...advertisedVips(changed).keys()];
        expect(vips, 'the VIP LB-IPAM hands out from the new pool').toEqual(['172.31.9.40']);
        for (const s of labSessions(changed)) {
          expect(await sessionAsConfigured(view, s), `session ${s.name}`).toEqual([]);
        }
        for (const e of expectedVipRoutes(changed)) {
          expect(await allOf(vipRouteRib, vipRouteFib)(view, e), `${e.router}`).toEqual([]);
          expect(await kernelNextHops(view, e.router, oldVip), `${e.router} no longer routes the old VIP`).toEqual([]);
        }
        for (const client of Object.keys(changed.hosts)) {
          const r = await httpGet(view, client, vips[0]!, { port: vipPort(changed, vips[0]!) });
          expect(r.error, `${client} → ${vips[0]}`).toBeUndefined();
        }
      },
      {
        createProvider,
        bringUp,
        converged: async (view) =>
          void (await waitUntil(() => convergenceProblem(view), {
            what: 'the lab to converge on the changed pool',
            deadline: new Deadline(convergenceDeadlineSeconds(view.provider) * 1000),
          })),
      },
    );
    expect(used).toBe(method);
    // The running lab was changed and put back: it must converge on its own pool again.
    if (!lab.canRunSecondLab) await reconverged();
  });
});

/** The AS-path length a vtysh claim expects of the first path (`{paths: [{aspath: {length: N}}]}`), if it states one. */
function asPathLength(expected: Record<string, unknown>): number | undefined {
  const paths = expected.paths;
  const first = Array.isArray(paths) ? (paths[0] as { aspath?: { length?: unknown } } | undefined) : undefined;
  return typeof first?.aspath?.length === 'number' ? first.aspath.length : undefined;
}
