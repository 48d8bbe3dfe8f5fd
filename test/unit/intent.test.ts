/**
 * Declared intent (intent.yaml): valid but intent-breaking edits of the files are named by
 * `check`, each at the intent's line; a malformed intent is bad input like any other file.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { intentProblems } from '../../helpers/model/intent-problems.js';
import { formatProblem } from '../../helpers/model/errors.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { CLI } from '../support/host.js';
import { rejectionsOf } from '../support/rejections.js';
import { labCopy, PROJECT_ROOT } from '../support/lab-copy.js';

const problemsOf = (root: string) => intentProblems(loadLabModel({ root })).map(formatProblem);

describe('the seed lab keeps its intent', () => {
  it('ships an intent.yaml the files keep', () => {
    const model = loadLabModel({ root: PROJECT_ROOT });
    expect(model.intent?.doc.file).toBe('intent.yaml');
    expect(intentProblems(model)).toEqual([]);
  });
});

describe('valid edits that break the intent are named', () => {
  it("a pool edit moves the VIP: the Service's address and who advertises the declared one", () => {
    const c = labCopy();
    c.edit(
      'fixtures/cilium/lb-ip-pool.yaml',
      /start: 172\.30\.0\.10\n(\s+)stop: 172\.30\.0\.20/,
      'start: 172.30.0.1\n$1stop: 172.30.0.5',
    );
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        /^intent\.yaml:\d+: vips\[0\]\.address: the config gives anycast-echo\/echo 172\.30\.0\.1 in cluster01, intent says 172\.30\.0\.10$/,
      ),
      expect.stringMatching(
        /^intent\.yaml:\d+: vips\[0\]\.address: the config gives anycast-echo\/echo 172\.30\.0\.1 in cluster02, intent says 172\.30\.0\.10$/,
      ),
      expect.stringMatching(
        /^intent\.yaml:\d+: vips\[0\]\.clusters: 172\.30\.0\.10 is advertised by none, intent says cluster01, cluster02$/,
      ),
      expect.stringMatching(
        /^intent\.yaml:\d+: vips\[0\]\.ecmp\[0\]: the configs leave spine no route for 172\.30\.0\.10, intent says ECMP over cluster01, cluster02$/,
      ),
    ]);
  });

  it('the spine loses multipath-relax: one path where the intent declares ECMP, with the config line that is why', () => {
    const c = labCopy();
    c.edit('containerlab/configs/spine.frr.conf', ' bgp bestpath as-path multipath-relax\n', '');
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        /^intent\.yaml:\d+: vips\[0\]\.ecmp\[0\]: the configs leave spine one path \(to cluster0[12]\) for 172\.30\.0\.10 \(.*spine\.frr\.conf.*\), intent says ECMP over cluster01, cluster02$/,
      ),
    ]);
  });

  it('a cluster and a session the files do not have', () => {
    const c = labCopy();
    c.edit('intent.yaml', 'clusters: [cluster01, cluster02]', 'clusters: [cluster01, cluster02, cluster03]');
    c.edit('intent.yaml', 'sessions:\n', 'sessions:\n  - [leaf1, leaf3]\n');
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        /^intent\.yaml:7: vips\[0\]\.clusters: 172\.30\.0\.10 is advertised by cluster01, cluster02, intent says cluster01, cluster02, cluster03$/,
      ),
      expect.stringMatching(
        /^intent\.yaml:\d+: sessions\[0\]: the configs define no BGP session between leaf1 and leaf3, intent says it must exist$/,
      ),
    ]);
  });

  it('a consistent ASN change (valid on both ends) and other timers: the session facts the intent declares', () => {
    const c = labCopy();
    c.edit(
      'containerlab/configs/leaf3.frr.conf',
      'neighbor 192.168.99.2 remote-as 65102',
      'neighbor 192.168.99.2 remote-as 65112',
    );
    c.edit('fixtures/cilium/cluster02/bgp-cluster-config.yaml', 'localASN: 65102', 'localASN: 65112');
    // Longer timers on the nodes and their leaves (the spine keeps 9 s, so its sessions still negotiate 9).
    c.edit('fixtures/cilium/bgp-peer-config.yaml', 'holdTimeSeconds: 9', 'holdTimeSeconds: 30');
    c.edit('fixtures/cilium/bgp-peer-config.yaml', 'keepAliveTimeSeconds: 3', 'keepAliveTimeSeconds: 10');
    for (const leaf of ['leaf2', 'leaf3'])
      c.edit(`containerlab/configs/${leaf}.frr.conf`, 'timers bgp 3 9', 'timers bgp 10 30');
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        /^intent\.yaml:\d+: sessions\[3\]\.hold: the configs negotiate hold 30 s between leaf2 and cluster01, intent says 9 s$/,
      ),
      expect.stringMatching(
        /^intent\.yaml:\d+: sessions\[4\]\.asns: the configs give leaf3 AS65003 and cluster02 AS65112, intent says AS65003 and AS65102$/,
      ),
      expect.stringMatching(
        /^intent\.yaml:\d+: sessions\[4\]\.hold: the configs negotiate hold 30 s between leaf3 and cluster02, intent says 9 s$/,
      ),
    ]);
  });

  it('check exits 2 and names the divergence, before anything starts', async () => {
    const c = labCopy();
    c.edit('containerlab/configs/spine.frr.conf', ' bgp bestpath as-path multipath-relax\n', '');
    const r = await execa(process.execPath, [CLI, '-C', c.root, 'check'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/intent\.yaml:\d+: vips\[0\]\.ecmp\[0\]: the configs leave spine one path/);
  });
});

describe('a malformed intent is bad input', () => {
  it('names the file, field and line', () => {
    const c = labCopy();
    c.edit('intent.yaml', 'address: 172.30.0.10', 'address: 172.30.0.x');
    expect(rejectionsOf(c.root)).toEqual([
      expect.stringMatching(/^intent\.yaml:4: vips\[0\]\.address: expected an IPv4 address/),
    ]);
  });
});
