/**
 * Generated labs (anycast-verify generate): they load and keep their own intent, and the seed lab
 * is N=2, M=1, K=1, C=2 but for the differences listed here, each with its reason.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { generateLab, validateOptions, type GenerateOptions } from '../../helpers/generate/generate-lab.js';
import { intentProblems } from '../../helpers/lab/intent.js';
import { labSessions } from '../../helpers/lab/sessions.js';
import { advertisedVips, expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { loadLabModel, type LabModel } from '../../helpers/model/lab-model.js';
import { CLI } from '../support/host.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
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
    expect(validateOptions({ ...SEED_SHAPE, spines: 2 })).toEqual([
      '--spines must be an integer from 1 to 1 (several spines are not generated yet)',
    ]);
    expect(validateOptions({ ...SEED_SHAPE, clusters: 0, clients: 1.5 })).toEqual([
      '--clusters must be an integer from 1 to 200',
      '--clients must be an integer from 1 to 100',
    ]);
  });
});
