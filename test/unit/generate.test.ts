/**
 * Generated labs (anycast-verify generate): they load and keep their own intent, and the seed lab
 * is N=2, M=1, K=1, C=2 but for the differences listed here, each with its reason; with S spines
 * every leaf peers with every spine, leaf1 has ECMP over the spines and each spine over the clusters.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { generateLab, validateOptions, type GenerateOptions } from '../../helpers/generate/generate-lab.js';
import { initialIntent, intentProblems } from '../../helpers/model/intent-problems.js';
import { labSessions } from '../../helpers/model/lab-sessions.js';
import { advertisedVips, expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { loadLabModel, type LabModel } from '../../helpers/model/lab-model.js';
import { formatProblem } from '../../helpers/model/errors.js';
import { faultTarget } from '../../helpers/faults/fault-target.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { CLI } from '../support/host.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

function written(o: GenerateOptions): string {
  const root = mkdtempSync(join(tmpdir(), 'av-generate-'));
  made.push(root);
  for (const [path, text] of generateLab(o, PROJECT_ROOT)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** What the suites judge, without the addresses: routers and ASNs, sessions, VIPs, where ECMP is. */
function facts(m: LabModel) {
  return {
    routers: Object.fromEntries(Object.values(m.routers).map((r) => [r.name, r.frr.bgp?.asn])),
    sessions: labSessions(m)
      .map(
        (s) =>
          `${s.a.node}/${s.a.asn}-${s.b.node}/${s.b.asn} hold ${s.holdSeconds} gr ${s.gracefulRestart?.restartTimeSeconds ?? '-'} md5 ${s.md5}`,
      )
      .sort(),
    vips: [...advertisedVips(m)],
    ecmp: expectedVipRoutes(m).map(
      (e) => `${e.router} ${e.vip} ${e.installed} ${e.candidates.map((c) => c.asPaths.join('|')).join(', ')}`,
    ),
    clients: Object.keys(m.hosts),
    nodes: Object.keys(m.k8sNodes),
  };
}

const SEED_SHAPE = { clusters: 2, nodesPerCluster: 1, services: 1, clients: 2, spines: 1 };

describe('generate', () => {
  it('N=2, M=1, K=1, C=2 is the seed lab, but for the listed differences', () => {
    const seed = loadLabModel({ root: PROJECT_ROOT });
    const gen = loadLabModel({ root: written(SEED_SHAPE) });
    expect(facts(gen)).toEqual(facts(seed));
    // The differences, each with its reason:
    // - the lab's name says its shape, so a generated lab never collides with the seed's namespaces;
    expect([seed.name, gen.name]).toEqual(['anycast', 'gen-2x1x1']);
    // - clients: 192.168.(100+j).11, since the seed's 192.168.100.11 / 192.168.200.22 pattern ends at two;
    expect(Object.values(gen.hosts).map((h) => h.addresses[0]!.cidr)).toEqual([
      '192.168.100.11/24',
      '192.168.101.11/24',
    ]);
    // - node networks: 10.(100+i).0.0/24, since minikube's 192.168.49/99/... steps of 50 end at five clusters.
    expect(Object.values(gen.k8sNodes).map((n) => n.ip)).toEqual(['10.100.0.2', '10.101.0.2']);
    expect(Object.values(seed.k8sNodes).map((n) => n.ip)).toEqual(['192.168.49.2', '192.168.99.2']);
  });

  it('a larger lab loads and keeps the intent its files give', async () => {
    const root = written({ clusters: 4, nodesPerCluster: 2, services: 10, clients: 3, spines: 1 });
    await execa(process.execPath, [
      CLI,
      'generate',
      '--out',
      root,
      '--force',
      '--clusters',
      '4',
      '--nodes-per-cluster',
      '2',
      '--services',
      '10',
      '--clients',
      '3',
    ]);
    const m = loadLabModel({ root });
    expect(intentProblems(m)).toEqual([]);
    expect(advertisedVips(m).size).toBe(10);
    expect(Object.keys(m.k8sNodes)).toHaveLength(8);
    expect(labSessions(m)).toHaveLength(1 + 4 + 8);
    const spine = expectedVipRoutes(m).filter((e) => e.router === 'spine');
    expect(spine.every((e) => e.installed === 4)).toBe(true);
  });

  it('refuses what it does not generate, naming the option', () => {
    expect(validateOptions({ ...SEED_SHAPE, spines: 4 })).toEqual([]);
    expect(validateOptions({ ...SEED_SHAPE, spines: 9 })).toEqual(['--spines must be an integer from 1 to 8']);
    expect(validateOptions({ ...SEED_SHAPE, clusters: 0, clients: 1.5 })).toEqual([
      '--clusters must be an integer from 1 to 99',
      '--clients must be an integer from 1 to 100',
    ]);
  });
});

/** A generated lab with the intent.yaml `generate` writes (from the files, checked on the way), loaded as `check` loads it. */
function withIntent(o: GenerateOptions): { root: string; model: LabModel } {
  const root = written(o);
  writeFileSync(join(root, 'intent.yaml'), initialIntent(loadLabModel({ root })));
  return { root, model: loadLabModel({ root }) };
}

describe.each([
  { clusters: 3, nodesPerCluster: 1, services: 2, clients: 2, spines: 2 },
  { clusters: 5, nodesPerCluster: 2, services: 1, clients: 3, spines: 4 },
])('generate --spines $spines (--clusters $clusters)', (o) => {
  const spines = ['spine', 'spine2', 'spine3', 'spine4'].slice(0, o.spines);
  const leaves = Array.from({ length: o.clusters }, (_, i) => `leaf${i + 2}`);

  it('loads (every cross-file check of `check`) and keeps the intent it writes', () => {
    const { model } = withIntent(o);
    expect(intentProblems(model)).toEqual([]);
    expect(Object.keys(model.routers)).toEqual(['leaf1', ...spines, ...leaves]);
  });

  it('gives every address, router ID and (but for the shared spine AS) ASN once', () => {
    const { model } = withIntent(o);
    const addresses = [
      ...Object.values(model.routers).flatMap((r) => Object.values(r.interfaces).flat()),
      ...Object.values(model.hosts).flatMap((h) => h.addresses.map((a) => a.cidr)),
      ...Object.values(model.k8sNodes).map((n) => n.ip),
    ].map((a) => a.split('/')[0]);
    expect(new Set(addresses).size).toBe(addresses.length);
    const speakers = Object.values(model.clusters).flatMap((c) => Object.values(c.speakers));
    const ids = [...Object.values(model.routers).map((r) => r.frr.bgp!.routerId), ...speakers.map((s) => s.routerId)];
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const asnOf = (r: string) => model.routers[r]!.frr.bgp!.asn;
    expect(spines.map(asnOf)).toEqual(spines.map(() => 64999));
    const others = [
      ...['leaf1', ...leaves].map(asnOf),
      ...Object.values(model.clusters).map((c) => c.speakers[c.nodes[0]!]!.localASN),
    ];
    expect(new Set([64999, ...others]).size).toBe(others.length + 1);
  });

  it('links every leaf to every spine, each link a BGP session', () => {
    const { model } = withIntent(o);
    const pairs = new Set(labSessions(model).map((s) => [s.a.node, s.b.node].sort().join('-')));
    for (const spine of spines)
      for (const leaf of ['leaf1', ...leaves])
        expect(pairs, `${leaf}-${spine}`).toContain([leaf, spine].sort().join('-'));
    // …and no other session between routers (spines do not peer with each other).
    expect(labSessions(model)).toHaveLength(o.spines * (1 + o.clusters) + o.clusters * o.nodesPerCluster);
  });

  it('expects ECMP over the spines at leaf1 and over every cluster at each spine, and declares both', () => {
    const { root, model } = withIntent(o);
    const clusters = Object.keys(model.clusters);
    for (const vip of advertisedVips(model).keys()) {
      const at = (r: string) => expectedVipRoutes(model).find((e) => e.router === r && e.vip === vip)!;
      const leaf1 = at('leaf1');
      expect(leaf1.candidates.map((c) => c.via)).toEqual(spines);
      expect(leaf1.installed).toBe(o.spines);
      // Each spine's path leads to every cluster: leaf1 is past the clusters' meeting points, the spines.
      expect(leaf1.candidates.every((c) => c.clusters.length === o.clusters)).toBe(true);
      expect([leaf1.meetingPoint, leaf1.multipath]).toEqual([false, true]);
      for (const spine of spines) {
        const e = at(spine);
        expect(e.meetingPoint).toBe(true);
        expect(e.installed).toBe(o.clusters);
        expect(e.candidates.map((c) => c.clusters)).toEqual(clusters.map((c) => [c]));
        expect(e.whyNotEcmp).toBeUndefined();
      }
    }
    // The intent generate writes: leaf1 over the spines, each spine over the clusters.
    const intent = model.intent!.intent;
    for (const v of intent.vips)
      expect(v.ecmp).toEqual([
        { router: 'leaf1', over: spines },
        ...spines.map((router) => ({ router, over: clusters })),
      ]);
    expect(readFileSync(join(root, 'intent.yaml'), 'utf8')).toContain(
      `- router: leaf1\n        over: [${spines.join(', ')}]`,
    );
  });

  it("the fault suites watch the spines (leaf1's next hops survive any one cluster)", () => {
    const { model } = withIntent(o);
    const t = faultTarget({ model } as unknown as LabHandle);
    expect(t.ecmpRouters).toEqual(spines);
    expect(t.hops).toBe(2);
    for (const spine of spines) {
      // Its address towards each leaf; the victim is cluster01's node, behind leaf2.
      const nbs = Object.values(model.routers[spine]!.frr.bgp!.neighbors);
      const toLeaf = (leaf: string) => nbs.find((n) => n.description === leaf)!.address;
      expect(t.fullSet.get(spine)).toEqual(leaves.map(toLeaf).sort());
      expect(t.survivors.get(spine)).toEqual(leaves.slice(1).map(toLeaf).sort());
    }
  });

  it('keeps ECMP at leaf1 without multipath-relax: its paths come from one neighbouring AS (the shared spine AS)', () => {
    // FRR counts eBGP paths equal for multipath when they come from the same remote AS
    // (bgp_path_info_cmp, step 11, "equal via same remote-as", frr-10.3 and frr-10.5.1): the
    // relax knob only matters where the neighbouring ASes differ (the spines themselves).
    const { root } = withIntent(o);
    const conf = join(root, 'containerlab/configs/leaf1.frr.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(' bgp bestpath as-path multipath-relax\n', ''));
    const model = loadLabModel({ root });
    expect(intentProblems(model).map(formatProblem)).toEqual([]);
    for (const e of expectedVipRoutes(model).filter((x) => x.router === 'leaf1'))
      expect([e.multipath, e.installed]).toEqual([true, o.spines]);
  });
});
