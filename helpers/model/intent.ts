/**
 * Declared intent: what must hold whatever the files say (intent.yaml beside containerlab/
 * and fixtures/). Every other expectation is derived from the files, which is right for a
 * version bump but blind to an edit that moves the VIP, drains a cluster or leaves one
 * cluster serving: the derived expectations move with the edit. The intent does not, so
 * `check` names every divergence between the files and it, and the intent suite asserts it
 * on the running lab.
 */
import { existsSync } from 'node:fs';
import { Document, isScalar, isSeq, visit } from 'yaml';
import { z } from 'zod';
import type { ProblemList, Problem } from './errors.js';
import type { LabModel } from './lab-model.js';
import { advertisedVips, expectedVipRoutes, vipService, type ExpectedVipRoute } from './expected-routes.js';
import { pathToString, readYamlDocs, validateDoc, type YamlDoc } from './yaml-file.js';
import { parseCommunity } from './frr-policy.js';

export const DEFAULT_INTENT = 'intent.yaml';

const name = z.string().min(1);
const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'expected an IPv4 address');

export const intentSchema = z.strictObject({
  vips: z.array(
    z.strictObject({
      /** The VIP address LB-IPAM must give the Service. */
      address: ipv4,
      /** The Service (namespace/name) it belongs to. */
      service: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected namespace/name'),
      /** The port clients reach it on (the Service's port). */
      port: z.number().int().min(1).max(65535).optional(),
      /** The clusters that must advertise it. */
      clusters: z.array(name).min(1),
      /**
       * Routers that must hold it with ECMP over exactly these clusters, or over exactly these
       * next routers when `over` names FRR routers (leaf1 over its spines, each of which reaches
       * every cluster).
       */
      ecmp: z.array(z.strictObject({ router: name, over: z.array(name).min(2) })).default([]),
      /** Clients that must reach it. */
      reachableFrom: z.array(name).default([]),
      /**
       * Clusters that advertise it but are drained: no router but the cluster's own leaf may
       * forward the VIP to them, so they receive no new connection.
       */
      drained: z.array(name).default([]),
      /** Communities every cluster's path for it carries, as its leaf receives it (AA:NN or a well-known name). */
      communities: z
        .array(
          z
            .string()
            .refine(
              (c) => parseCommunity(c) !== undefined,
              'expected AA:NN (each 0-65535) or a well-known community name',
            ),
        )
        .default([]),
    }),
  ),
  /**
   * BGP sessions that must exist: a pair of node names (either order), or the pair with what
   * must hold on it: each end's ASN (in the pair's order), the negotiated hold time, and the
   * graceful-restart time a node's speaker announces (false: no graceful restart).
   */
  sessions: z
    .array(
      z.union([
        z.tuple([name, name]),
        z.strictObject({
          between: z.tuple([name, name]),
          asns: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
          hold: z.number().int().nonnegative().optional(),
          gracefulRestart: z.union([z.number().int().positive(), z.literal(false)]).optional(),
        }),
      ]),
    )
    .default([]),
  /**
   * Claims over a router's vtysh JSON, as FRR topotests' json_cmp: `expected` must be a subset
   * of `<command> json` on `router` (helpers/claims/json-subset.ts). For what no derivation
   * covers and this lab's owner wants held, e.g. the AS path a leaf hears the VIP with.
   */
  vtysh: z
    .array(
      z.strictObject({
        router: name,
        /** A show command, without the trailing `json`. */
        command: z
          .string()
          .regex(/^show\s/, 'expected a vtysh show command')
          .refine((c) => !/\sjson\s*$/.test(c), 'without the trailing "json": it is added'),
        expected: z.record(z.string(), z.json()),
        /** Why it must hold, in the words of whoever declared it (shown in the report). */
        why: z.string().optional(),
      }),
    )
    .default([]),
});

/** The two nodes of a declared session, whichever form it is written in. */
export function declaredPair(entry: Intent['sessions'][number]): [string, string] {
  return Array.isArray(entry) ? entry : entry.between;
}

/** A session as the files give it (helpers/model/lab-sessions.ts), for comparing with the intent. */
export interface SessionFacts {
  nodes: [string, string];
  asns: [number, number];
  hold: number;
  /** The restart time when graceful restart is configured on the session. */
  gracefulRestart?: number;
}

export type Intent = z.infer<typeof intentSchema>;

export interface LoadedIntent {
  intent: Intent;
  doc: YamlDoc;
}

/** Reads intent.yaml if the project has one (it is optional); a malformed one is a problem like any other input. */
export function loadIntent(root: string, path: string, problems: ProblemList): LoadedIntent | undefined {
  if (!existsSync(path)) return undefined;
  const doc = readYamlDocs(root, path, problems)[0];
  if (!doc) return undefined;
  const intent = validateDoc(doc, intentSchema, problems);
  return intent ? { intent, doc } : undefined;
}

const same = (a: string[], b: string[]) => [...a].sort().join() === [...b].sort().join();
const list = (a: string[]) => (a.length ? a.join(', ') : 'none');

/** What a router's installed paths spread over: the clusters they lead to, or (`byRouter`) the neighbours they go via. */
function spreadOver(r: ExpectedVipRoute | undefined, byRouter: boolean): string[] {
  const paths = r ? r.candidates.slice(0, r.installed) : [];
  return [...new Set(byRouter ? paths.map((c) => c.via) : paths.flatMap((c) => c.clusters))];
}

/** An ECMP claim whose `over` names FRR routers (the next hops' owners), not clusters. */
export const overRouters = (model: LabModel, over: string[]) => over.every((n) => model.routers[n] !== undefined);

/**
 * Every divergence between what the files give and what the intent declares, each at its
 * intent line. `sessions` are the lab's BGP sessions as node pairs (helpers/model/lab-sessions.ts).
 */
export function intentDivergences(model: LabModel, loaded: LoadedIntent, sessions: SessionFacts[]): Problem[] {
  const { intent, doc } = loaded;
  const out: Problem[] = [];
  const at = (path: (string | number)[], message: string) =>
    out.push({ file: doc.file, field: pathToString(path), message, line: doc.lineOf(path) });
  const advertised = advertisedVips(model);
  const routes = expectedVipRoutes(model);
  const services = Object.values(model.clusters).flatMap((c) => c.services.map((s) => ({ cluster: c.name, ...s })));
  intent.vips.forEach((v, i) => {
    const svc = services.filter((s) => s.key === v.service);
    if (svc.length === 0) at(['vips', i, 'service'], `no cluster defines the Service ${v.service}`);
    for (const s of svc.filter((s) => v.port !== undefined && s.port !== v.port))
      at(
        ['vips', i, 'port'],
        `the config serves ${v.service} on port ${s.port} in ${s.cluster}, intent says ${v.port}`,
      );
    for (const s of svc.filter((s) => s.vip !== v.address))
      at(
        ['vips', i, 'address'],
        `the config gives ${v.service} ${s.vip ?? 'no address'} in ${s.cluster}, intent says ${v.address}`,
      );
    const by = advertised.get(v.address) ?? [];
    if (!same(by, v.clusters))
      at(['vips', i, 'clusters'], `${v.address} is advertised by ${list(by)}, intent says ${list(v.clusters)}`);
    v.ecmp.forEach((e, j) => {
      if (!model.routers[e.router]) return at(['vips', i, 'ecmp', j, 'router'], `no FRR router ${e.router}`);
      const r = routes.find((x) => x.router === e.router && x.vip === v.address);
      const byRouter = overRouters(model, e.over);
      const over = spreadOver(r, byRouter);
      if (!r || r.installed < 2 || !same(over, e.over))
        at(
          ['vips', i, 'ecmp', j],
          `the configs leave ${e.router} ${r ? (r.installed > 1 ? `ECMP over ${list(over)}` : `one path (${byRouter ? 'via' : 'to'} ${list(over)})`) : 'no route'} for ${v.address}${r?.whyNotEcmp ? ` (${r.whyNotEcmp})` : ''}, intent says ECMP over ${list(e.over)}`,
        );
    });
    v.reachableFrom.forEach((c, j) => {
      if (!model.hosts[c]) at(['vips', i, 'reachableFrom', j], `no client ${c} in the topology`);
    });
    drainedDivergences(model, v, (j, message) => at(['vips', i, 'drained', j], message));
    communityDivergences(model, v, (j, message) => at(['vips', i, 'communities', j], message));
  });
  intent.vtysh.forEach((c, i) => {
    if (!model.routers[c.router]) at(['vtysh', i, 'router'], `no FRR router ${c.router} in the topology`);
  });
  intent.sessions.forEach((entry, i) => {
    const want = Array.isArray(entry) ? { between: entry } : entry;
    const [a, b] = want.between;
    const got = sessions.find((f) => [...f.nodes].sort().join() === [a, b].sort().join());
    if (!got)
      return at(['sessions', i], `the configs define no BGP session between ${a} and ${b}, intent says it must exist`);
    const asnOf = (n: string) => got.asns[got.nodes.indexOf(n)]!;
    if (want.asns && (asnOf(a) !== want.asns[0] || asnOf(b) !== want.asns[1]))
      at(
        ['sessions', i, 'asns'],
        `the configs give ${a} AS${asnOf(a)} and ${b} AS${asnOf(b)}, intent says AS${want.asns[0]} and AS${want.asns[1]}`,
      );
    if (want.hold !== undefined && got.hold !== want.hold)
      at(
        ['sessions', i, 'hold'],
        `the configs negotiate hold ${got.hold} s between ${a} and ${b}, intent says ${want.hold} s`,
      );
    if (want.gracefulRestart !== undefined && (got.gracefulRestart ?? false) !== want.gracefulRestart)
      at(
        ['sessions', i, 'gracefulRestart'],
        `the configs give ${a}–${b} ${got.gracefulRestart ? `graceful restart ${got.gracefulRestart} s` : 'no graceful restart'}, intent says ${want.gracefulRestart === false ? 'none' : `${want.gracefulRestart} s`}`,
      );
  });
  return out;
}

/** The routers with a path straight to one of `cluster`'s nodes for `vip`: its own leaves (`routes`: the derived ones, when at hand). */
export function ownLeaves(
  model: LabModel,
  vip: string,
  cluster: string,
  routes: ExpectedVipRoute[] = expectedVipRoutes(model),
): string[] {
  return routes
    .filter((r) => r.vip === vip && r.candidates.some((c) => model.k8sNodes[c.via]?.cluster === cluster))
    .map((r) => r.router);
}

/**
 * A drained cluster may only be reached from its own leaf: every other router's installed paths
 * for the VIP must lead elsewhere (and an ECMP claim over it contradicts the drain).
 */
function drainedDivergences(
  model: LabModel,
  v: Intent['vips'][number],
  at: (j: number, message: string) => void,
): void {
  const routes = expectedVipRoutes(model).filter((r) => r.vip === v.address);
  v.drained.forEach((cluster, j) => {
    if (!v.clusters.includes(cluster))
      return at(j, `${cluster} is not one of the clusters that advertise ${v.address} (${list(v.clusters)})`);
    if (v.ecmp.some((e) => e.over.includes(cluster)))
      return at(j, `intent declares ECMP over ${cluster} for ${v.address} and says it is drained`);
    const own = ownLeaves(model, v.address, cluster, routes);
    for (const r of routes.filter((x) => !own.includes(x.router))) {
      const over = spreadOver(r, false);
      if (over.includes(cluster))
        at(
          j,
          `the configs leave ${r.router} forwarding ${v.address} to ${cluster} (${r.installed > 1 ? `ECMP over ${list(over)}` : 'its one path'}), intent says ${cluster} is drained`,
        );
    }
  });
}

/** Each cluster's speakers must advertise the VIP with the declared communities (their CiliumBGPAdvertisement attributes). */
function communityDivergences(
  model: LabModel,
  v: Intent['vips'][number],
  at: (j: number, message: string) => void,
): void {
  v.communities.forEach((c, j) => {
    const want = parseCommunity(c)!;
    for (const cluster of v.clusters)
      for (const sp of Object.values(model.clusters[cluster]?.speakers ?? {})) {
        const adv = sp.peers.flatMap((p) => p.advertise).find((a) => a.prefix === `${v.address}/32`);
        if (adv && !adv.attributes.communities.includes(want))
          at(
            j,
            `${sp.node} (${cluster}) advertises ${v.address} with communities [${adv.attributes.communities.join(' ') || 'none'}], intent says it carries ${c}`,
          );
      }
  });
}

const serviceOf = (s: { key: string; port: number } | undefined) => ({ service: s?.key ?? '?', port: s?.port });

/** The intent today's files give: the starting point `anycast-verify intent --init` writes, to be edited by hand. */
export function intentFromModel(model: LabModel, sessions: SessionFacts[]): string {
  const routes = expectedVipRoutes(model);
  const vips = [...advertisedVips(model)].map(([address, clusters]) => ({
    address,
    ...serviceOf(vipService(model, address)),
    clusters,
    ecmp: routes
      // ECMP towards several clusters: a leaf's ECMP over its own cluster's nodes is no anycast claim.
      .filter((r) => r.vip === address && r.installed > 1 && spreadOver(r, false).length > 1)
      // Where the clusters meet, over the clusters; past that (leaf1 over several spines, each
      // path leading to every cluster) over the routers: "over the clusters" would hold there with
      // one spine as well, since that spine's ECMP reaches them all.
      .map((r) => ({ router: r.router, over: spreadOver(r, !r.meetingPoint) })),
    reachableFrom: Object.keys(model.hosts),
  }));
  return (
    '# Declared intent (anycast-verify): what must hold whatever containerlab/ and fixtures/ say.\n' +
    '# `anycast-verify check` names every divergence; the intent suite asserts it on the running lab.\n' +
    compactYaml({
      vips,
      sessions: sessions.map((f) => ({
        between: f.nodes,
        asns: f.asns,
        hold: f.hold,
        ...(f.gracefulRestart ? { gracefulRestart: f.gracefulRestart } : {}),
      })),
    })
  );
}

/** YAML with lists of plain values on one line (`clusters: [cluster01, cluster02]`), the way people write them. */
function compactYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_key, node) {
      if (isSeq(node) && node.items.every((i) => isScalar(i))) node.flow = true;
    },
    // A session is one line: `- {between: [leaf1, spine], asns: [65001, 64999], hold: 9}`.
    Map(_key, node, path) {
      if (node.items.some((p) => isScalar(p.key) && p.key.value === 'between') && path.length > 0) node.flow = true;
    },
  });
  return doc.toString({ flowCollectionPadding: false, lineWidth: 120 });
}
