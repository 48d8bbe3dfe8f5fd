/**
 * Suite 5's breaks, as data: each is a change a bad config push could make to a running lab,
 * with the claims (claims of helpers/claims/) it must trip and the sentences they must return.
 * Everything a break configures is derived from the lab model (router, ASN, neighbour address,
 * password): no address or ASN is typed here. A break that cannot apply to the lab under test
 * returns why, and the suite reports it "not verified" by name. Adding a break = one entry of
 * BREAKS. The runner (apply, wait, judge, lift, wait for the lab to hold again): ./run-break.ts.
 */
import type { Check, Problem } from '../../helpers/claims/claim-shape.js';
import { vtyshJsonClaim } from '../../helpers/claims/json-subset.js';
import { sessionEstablished } from '../../helpers/claims/session-claims.js';
import { vipRouteFib, vipRouteRib } from '../../helpers/claims/vip-route-claims.js';
import { vipForwardedOver } from '../../helpers/claims/intent-claims.js';
import { kernelNextHops } from '../../helpers/readers/frr.js';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { labSessions } from '../../helpers/model/lab-sessions.js';
import type { LabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';

/** A claim the break must trip: the check, judged against the expectation the break is about. */
export interface Trip {
  /** The check of helpers/claims/ (the suite names it by its export). */
  claim: Check<never>;
  judge(lab: LabHandle): Promise<Problem[]>;
  /** The problems it must return while the break holds: exactly these, in order, one pattern each. */
  messages: RegExp[];
}

/** What to wait for once the break is applied, before the claims are judged. */
export interface Settle {
  what: string;
  seconds: number;
  /** undefined once settled, else what is not there yet. */
  until(lab: LabHandle): Promise<string | undefined>;
}

/** A break as it applies to one lab. */
export interface Plan {
  /** The test's title. */
  title: string;
  /** The router it is configured on, and the `configure terminal` lines that apply and lift it. */
  router: string;
  apply: string[];
  lift: string[];
  /** A vtysh command to run on the router after applying and after lifting, for the change to take effect. */
  refresh?: string;
  settle: Settle;
  /** The claims that must fail; the first is the one the break is about. */
  trips: Trip[];
  /** The first claim must keep failing this long (the break holds, it is no flap). */
  staysSeconds?: number;
}

export interface Break {
  /** Names the break in the "gate missed" failure and, where it cannot apply, in the test's title. */
  name: string;
  /** The plan on this lab, or why the break cannot apply to it. */
  plan(model: LabModel): Plan | string;
}

export function trip<E>(claim: Check<E>, expectation: E, ...messages: RegExp[]): Trip {
  return { claim, judge: (lab) => claim(lab, expectation), messages };
}

/** Settled once the trip's claim fails. */
const untilFails = (t: Trip, what: string, seconds: number): Settle => ({
  what,
  seconds,
  until: async (lab) => ((await t.judge(lab)).length ? undefined : 'the claim still holds'),
});

/** Any one of these, in a `rx` pattern. */
class OneOf {
  constructor(readonly items: string[]) {}
}
const oneOf = (items: string[]) => new OneOf(items);
const esc = (v: string | number) => String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A RegExp whose literal parts are regex source and whose values (the model's names and addresses) match literally. */
function rx(parts: TemplateStringsArray, ...values: (string | number | OneOf)[]): RegExp {
  const value = (v: string | number | OneOf) => (v instanceof OneOf ? `(${v.items.map(esc).join('|')})` : esc(v));
  return new RegExp(parts.raw.map((p, i) => (i < values.length ? p + value(values[i]!) : p)).join(''));
}

export const BREAKS: Break[] = [
  {
    name: 'multipath-relax removed where the clusters meet',
    plan(model) {
      const meeting = expectedVipRoutes(model).filter((e) => e.meetingPoint);
      if (!meeting.length) return "no router is a meeting point of the clusters' paths";
      const e = meeting.find(
        (m) =>
          model.routers[m.router]!.frr.bgp!.multipathRelax &&
          new Set(m.candidates.flatMap((c) => c.asPaths)).size > 1 &&
          m.installed === m.candidates.length,
      );
      if (!e)
        return `no meeting point (${[...new Set(meeting.map((m) => m.router))].join(', ')}) owes its ECMP to "bgp bestpath as-path multipath-relax"`;
      const bgp = `router bgp ${model.routers[e.router]!.frr.bgp!.asn}`;
      const over = [...new Set(e.candidates.flatMap((c) => c.clusters))].sort();
      return {
        title: `${e.router} without multipath-relax: VIP routes fail, naming the missing next hop`,
        router: e.router,
        apply: [bgp, 'no bgp bestpath as-path multipath-relax'],
        lift: [bgp, 'bgp bestpath as-path multipath-relax'],
        settle: {
          what: `${e.router} to drop to one path`,
          seconds: 10,
          until: async (lab) => ((await kernelNextHops(lab, e.router, e.vip)).length === 1 ? undefined : 'still ECMP'),
        },
        trips: [
          trip(vipRouteRib, e, rx`^${e.router} selects ${e.vip} via \[[^\]]+\], expected ECMP over \[.*\]: missing `),
          trip(vipRouteFib, e, rx`^${e.router}'s kernel routes ${e.vip} via \[[^\]]+\], expected exactly .*: missing `),
          // The declared intent's live claim too: the router now forwards over one cluster only.
          trip(
            vipForwardedOver,
            { router: e.router, vip: e.vip, over },
            rx`^${e.router} forwards ${e.vip} over ${oneOf(over)}, intent says ${over.join(', ')}$`,
          ),
        ],
      };
    },
  },
  {
    name: 'a wrong TCP-MD5 password on a leaf',
    plan(model) {
      const sessions = labSessions(model).filter((s) => s.md5 && s.a.password);
      const s = sessions.find((x) => x.b.kind === 'speaker') ?? sessions[0];
      if (!s) return 'no BGP session of the lab uses TCP-MD5 (`neighbor … password`)';
      const [bgp, nb] = [`router bgp ${s.a.asn}`, `neighbor ${s.b.address}`];
      const down = trip(
        sessionEstablished,
        s,
        rx`^${s.a.node} sees its session to ${s.b.node} .* as (Active|Connect|Idle)`,
        rx`^${s.b.node} sees its session to ${s.a.node} .* as (idle|connect|active)`,
      );
      return {
        title: `wrong MD5 password on ${s.a.node}: the session to ${s.b.node} fails, on both ends`,
        router: s.a.node,
        // A changed password resets the session; the peer's SYNs then fail MD5 and are dropped.
        apply: [bgp, `${nb} password not-${s.a.password}`],
        lift: [bgp, `${nb} password ${s.a.password}`],
        settle: untilFails(down, 'the session to drop', 15),
        trips: [down],
        // It stays down: the peer keeps dialling with the configured password.
        staysSeconds: 3,
      };
    },
  },
  {
    // The lab's declared AS-path claim (intent.yaml `vtysh:`) fails when the path changes: the router the
    // claim's router peers with prepends its own AS once more towards it, so the path is one longer.
    name: "a prepend upstream of intent.yaml's AS-path claim",
    plan(model) {
      const claim = model.intent?.intent.vtysh.find((c) => asPathLength(c.expected) !== undefined);
      if (!claim)
        return 'intent.yaml declares no AS-path claim (a `vtysh:` entry expecting paths[0].aspath.length), so there is none to break';
      const uplinks = labSessions(model).filter(
        (s) => s.a.kind === 'frr' && s.b.kind === 'frr' && [s.a.node, s.b.node].includes(claim.router),
      );
      if (uplinks.length !== 1)
        return `${claim.router}, the router of intent.yaml's AS-path claim, has ${uplinks.length || 'no'} FRR neighbours: a prepend needs exactly one to lengthen its path`;
      const [leaf, upstream] =
        uplinks[0]!.a.node === claim.router ? [uplinks[0]!.a, uplinks[0]!.b] : [uplinks[0]!.b, uplinks[0]!.a];
      const length = asPathLength(claim.expected)!;
      const [routeMap, bgp] = ['AV-BREAKAGE-PREPEND', [`router bgp ${upstream.asn}`, 'address-family ipv4 unicast']];
      const longer = trip(
        vtyshJsonClaim,
        claim,
        rx`^${leaf.node} ${claim.command} json: paths\[0\]\.aspath\.length: expected ${length}, got ${length + 1}$`,
      );
      return {
        title: `${upstream.node} prepends AS${upstream.asn} towards ${leaf.node}: the AS-path claim fails, naming the length expected and found`,
        router: upstream.node,
        apply: [
          `route-map ${routeMap} permit 10`,
          `set as-path prepend ${upstream.asn}`,
          'exit',
          ...bgp,
          `neighbor ${leaf.address} route-map ${routeMap} out`,
        ],
        lift: [
          ...bgp,
          `no neighbor ${leaf.address} route-map ${routeMap} out`,
          'exit-address-family',
          'exit',
          `no route-map ${routeMap}`,
        ],
        refresh: `clear bgp ipv4 unicast ${leaf.address} soft out`,
        settle: untilFails(longer, `${leaf.node} to hear the longer AS path`, 10),
        trips: [longer],
      };
    },
  },
];

/** The AS-path length a vtysh claim expects of the first path (`{paths: [{aspath: {length: N}}]}`), if it states one. */
function asPathLength(expected: unknown): number | undefined {
  const paths = (expected as { paths?: unknown } | null)?.paths;
  const first = Array.isArray(paths) ? (paths[0] as { aspath?: { length?: unknown } } | undefined) : undefined;
  return typeof first?.aspath?.length === 'number' ? first.aspath.length : undefined;
}
