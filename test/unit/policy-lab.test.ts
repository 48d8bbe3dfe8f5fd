/**
 * Routing policy on whole labs, each a throw-away copy of the seed: the policy lab
 * (test/support/policy-lab.ts: peer-group uplinks, leaf3 prepending towards the spine) passes
 * `check` and its derived expectations say where ECMP no longer holds and why; local
 * preference, graceful shutdown, ebgp-requires-policy and BFD change what is derived (or said)
 * the way FRR would; unknown valid statements are accepted with the "not derived" note.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectedVipRoutes } from '../../helpers/model/expected-routes.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { formatProblem } from '../../helpers/model/errors.js';
import { intentProblems } from '../../helpers/model/intent-problems.js';
import { modelWarnings } from '../../helpers/model/warnings.js';
import { policyNotes } from '../../helpers/model/policy-notes.js';
import { acceptedFromSpeaker } from '../../helpers/model/path-derivation.js';
import { labCopy, type LabCopy } from '../support/lab-copy.js';
import { makePolicyLab, POLICY_LEAF3 } from '../support/policy-lab.js';
import { cli, resetCliTest } from '../support/cli-run.js';
import { lineOf, rejectionsOf, LEAF2, SPINE } from '../support/rejections.js';

afterEach(resetCliTest);

const VIP = '172.30.0.10';
const at = (c: LabCopy, router: string) =>
  expectedVipRoutes(loadLabModel({ root: c.root })).find((e) => e.router === router && e.vip === VIP)!;

describe('the policy lab (peer-group uplinks, leaf3 prepends its AS twice towards the spine)', () => {
  it('passes check, which says where policy shaped a derived route', async () => {
    const c = labCopy();
    makePolicyLab(c);
    const r = await cli('-C', c.root, 'check');
    expect(r.stderr).not.toMatch(/warning:/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `anycast-verify: note: ${SPINE}: derived ${VIP}: spine selects ${VIP} towards cluster01 only: the path via leaf3 to cluster02 loses: its AS path "65003 65003 65003 65102" (4) is longer than "65002 65101" (2) (route-map UPLINK-OUT out (${POLICY_LEAF3}:${lineOf(c, POLICY_LEAF3, 'route-map UPLINK-OUT permit 10')}) prepends 65003 65003)`,
    );
  });

  it('derives one path at the spine (no ECMP: the meeting point is gone), and the AS paths downstream', () => {
    const c = labCopy();
    makePolicyLab(c);
    const spine = at(c, 'spine');
    expect(spine.candidates.map((x) => [x.via, x.asPaths, x.clusters])).toEqual([
      ['leaf2', ['65002 65101'], ['cluster01']],
    ]);
    expect([spine.meetingPoint, spine.installed]).toEqual([false, 1]);
    expect(spine.whyNotEcmp).toMatch(/route-map UPLINK-OUT out/);
    expect(at(c, 'leaf1').candidates[0]!.asPaths).toEqual(['64999 65002 65101']);
    // leaf3's own cluster is nearer than the spine's path: the prepend changes nothing there.
    expect(at(c, 'leaf3').candidates.map((x) => x.via)).toEqual(['cluster02']);
    // The peer-group members inherit remote-as and description: the sessions are the seed's.
    const leaf3 = loadLabModel({ root: c.root }).routers.leaf3!.frr.bgp!;
    expect(leaf3.neighbors['10.0.3.1']).toMatchObject({ remoteAs: 64999, description: 'spine', peerGroup: 'UPLINK' });
  });

  it("the seed's intent (ECMP at the spine) diverges, and the divergence names the route-map", () => {
    const c = labCopy();
    const intent = c.read('intent.yaml');
    makePolicyLab(c);
    c.write('intent.yaml', intent);
    expect(intentProblems(loadLabModel({ root: c.root })).map(formatProblem)).toEqual([
      expect.stringMatching(
        /^intent\.yaml:\d+: vips\[0\]\.ecmp\[0\]: the configs leave spine one path \(to cluster01\) for 172\.30\.0\.10 \(spine selects .*route-map UPLINK-OUT out .*\), intent says ECMP over cluster01, cluster02$/,
      ),
    ]);
  });
});

describe('policy on the seed lab changes what is derived, as FRR would', () => {
  it("a route-map in at the spine raising leaf3's local preference: the spine prefers cluster02", () => {
    const c = labCopy();
    c.edit(
      SPINE,
      'router bgp 64999\n',
      'route-map PREFER permit 10\n set local-preference 200\nexit\n!\nrouter bgp 64999\n',
    );
    c.edit(SPINE, '  maximum-paths 8\n', '  maximum-paths 8\n  neighbor 10.0.3.11 route-map PREFER in\n');
    const spine = at(c, 'spine');
    expect(spine.candidates.map((x) => [x.via, x.localPref])).toEqual([['leaf3', 200]]);
    expect(spine.whyNotEcmp).toMatch(/via leaf2 to cluster01 loses: local preference 100 is below 200/);
  });

  it('bgp graceful-shutdown on leaf2 (RFC 8326): the spine gives its path local preference 0 and prefers cluster02', () => {
    const c = labCopy();
    c.edit(LEAF2, ' timers bgp 3 9\n', ' timers bgp 3 9\n bgp graceful-shutdown\n');
    expect(at(c, 'spine').candidates.map((x) => x.via)).toEqual(['leaf3']);
    expect(at(c, 'leaf2').candidates.map((x) => [x.via, x.localPref])).toEqual([['cluster01', 0]]);
  });

  it('ebgp-requires-policy (the traditional default) without policy on leaf3: warned, and leaf3 neither hears nor passes the VIP', () => {
    const c = labCopy();
    c.edit(POLICY_LEAF3, ' no bgp ebgp-requires-policy\n', '');
    const model = loadLabModel({ root: c.root });
    expect(modelWarnings(model).map(formatProblem)).toContainEqual(
      expect.stringMatching(
        /^containerlab\/configs\/leaf3\.frr\.conf:\d+: neighbor 192\.168\.99\.2: bgp ebgp-requires-policy \(FRR's default under "frr defaults traditional"\) and no in or outbound policy for 192\.168\.99\.2: FRR accepts no route from it and sends it no route/,
      ),
    );
    expect(expectedVipRoutes(model).find((e) => e.router === 'leaf3')).toBeUndefined();
    expect(at(c, 'spine').candidates.map((x) => x.via)).toEqual(['leaf2']);
  });

  it('BFD towards a Cilium node: a note (no BFD on the node; the hold time detects), a warning without bfdd; bfd strict is refused', () => {
    const c = labCopy();
    c.edit(LEAF2, ' neighbor 192.168.49.2 passive\n', ' neighbor 192.168.49.2 passive\n neighbor 192.168.49.2 bfd\n');
    const model = loadLabModel({ root: c.root });
    const line = lineOf(c, LEAF2, 'neighbor 192.168.49.2 bfd');
    expect(policyNotes(model).map(formatProblem)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${LEAF2}:${line}: neighbor 192\\.168\\.49\\.2 bfd: cluster01 is a Kubernetes node, and open-source Cilium runs no BFD.*BGP hold time`,
        ),
      ),
    );
    expect(modelWarnings(model).map(formatProblem)).toContainEqual(
      expect.stringMatching(
        /neighbor 192\.168\.49\.2 bfd: containerlab\/configs\/daemons does not start bfdd \(line \d+\)/,
      ),
    );
    c.edit(LEAF2, 'neighbor 192.168.49.2 bfd\n', 'neighbor 192.168.49.2 bfd strict\n');
    expect(rejectionsOf(c.root)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${LEAF2}:${line}: neighbor 192\\.168\\.49\\.2 bfd strict: cluster01 is a Kubernetes node.*never does`,
        ),
      ),
    );
  });

  it('local-as on the spine towards leaf3: leaf3 must expect that AS, and the spine prepends it to what leaf3 sends', () => {
    const c = labCopy();
    c.edit(
      SPINE,
      ' neighbor 10.0.3.11 description leaf3\n',
      ' neighbor 10.0.3.11 description leaf3\n neighbor 10.0.3.11 local-as 64900\n',
    );
    expect(rejectionsOf(c.root)).toContainEqual(
      expect.stringMatching(
        /leaf3\.frr\.conf:\d+: neighbor 10\.0\.3\.1 remote-as: 64999 does not match spine's "neighbor 10\.0\.3\.11 local-as 64900"/,
      ),
    );
    c.edit(POLICY_LEAF3, 'neighbor 10.0.3.1 remote-as 64999', 'neighbor 10.0.3.1 remote-as 64900');
    expect(rejectionsOf(c.root)).toEqual([]);
    // Without no-prepend, what the spine receives from leaf3 carries 64900 too: 3 ASes against 2.
    const spine = at(c, 'spine');
    expect(spine.candidates.map((x) => x.via)).toEqual(['leaf2']);
    expect(spine.whyNotEcmp).toMatch(/via leaf3 to cluster02 loses: its AS path "64900 65003 65102" \(3\)/);
  });
});

describe("the daemons file's frr_profile (the daemons' -F)", () => {
  it('applies where frr.conf names no profile; an frr.conf "frr defaults" line wins', () => {
    const c = labCopy();
    c.edit('containerlab/configs/daemons', 'bgpd=yes\n', 'bgpd=yes\nfrr_profile="datacenter"\n');
    c.edit('containerlab/configs/leaf1.frr.conf', 'frr defaults traditional\n', '');
    c.edit('containerlab/configs/leaf1.frr.conf', ' no bgp ebgp-requires-policy\n', '');
    const { routers } = loadLabModel({ root: c.root });
    expect([routers.leaf1!.frr.profile, routers.leaf1!.frr.bgp!.ebgpRequiresPolicy]).toEqual(['datacenter', false]);
    expect(routers.leaf2!.frr.profile).toBe('traditional');
  });
});

describe('remote-as external and internal (checked against the other end like a number)', () => {
  it('a peer-group with remote-as external: accepted, towards the spine and towards the node', () => {
    const c = labCopy();
    c.edit(
      LEAF2,
      ' neighbor 10.0.2.1 remote-as 64999\n',
      ' neighbor FABRIC peer-group\n neighbor FABRIC remote-as external\n neighbor 10.0.2.1 peer-group FABRIC\n',
    );
    c.edit(LEAF2, 'neighbor 192.168.49.2 remote-as 65101', 'neighbor 192.168.49.2 remote-as external');
    expect(rejectionsOf(c.root)).toEqual([]);
    expect(
      at(c, 'spine')
        .candidates.map((x) => x.via)
        .sort(),
    ).toEqual(['leaf2', 'leaf3']);
  });
  it('remote-as internal towards an eBGP peer is refused, naming both ASes', () => {
    const c = labCopy();
    c.edit(LEAF2, 'neighbor 10.0.2.1 remote-as 64999', 'neighbor 10.0.2.1 remote-as internal');
    expect(rejectionsOf(c.root)).toContainEqual(
      `${LEAF2}:${lineOf(c, LEAF2, 'remote-as internal')}: neighbor 10.0.2.1 remote-as: internal (65002 is leaf2's AS) does not match spine's "router bgp 64999" (${SPINE}:${lineOf(c, SPINE, 'router bgp')}): FRR refuses spine's OPEN (Bad Peer AS) and the session never comes up`,
    );
  });
});

describe("what a leaf keeps of its node's offer (suite 1's received-routes claim)", () => {
  const kept = (c: LabCopy) =>
    acceptedFromSpeaker(loadLabModel({ root: c.root }), 'leaf2', '192.168.49.2', 65101, [{ prefix: `${VIP}/32` }]);
  it('the seed: the VIP, AS path the cluster AS', () =>
    expect(kept(labCopy())).toEqual([{ prefix: `${VIP}/32`, asPath: '65101' }]));
  it('an inbound route-map prepending: the longer path; ebgp-requires-policy without policy: nothing', () => {
    const c = labCopy();
    c.edit(
      LEAF2,
      'router bgp 65002\n',
      'route-map IN permit 10\n set as-path prepend 65101\nexit\n!\nrouter bgp 65002\n',
    );
    c.edit(
      LEAF2,
      ' neighbor 192.168.49.2 passive\n',
      ' neighbor 192.168.49.2 passive\n neighbor 192.168.49.2 route-map IN in\n',
    );
    expect(kept(c)).toEqual([{ prefix: `${VIP}/32`, asPath: '65101 65101' }]);
    const d = labCopy();
    d.edit(LEAF2, ' no bgp ebgp-requires-policy\n', '');
    expect(kept(d)).toEqual([]);
  });
});

describe('valid statements outside the subset', () => {
  it('are accepted by check, each with the "not derived" note at its line', async () => {
    const c = labCopy();
    c.edit(
      SPINE,
      ' neighbor 10.0.3.11 description leaf3\n',
      ' neighbor 10.0.3.11 description leaf3\n neighbor 10.0.3.11 shutdown\n bgp bestpath as-path ignore\n',
    );
    c.edit(
      SPINE,
      '  maximum-paths 8\n',
      '  maximum-paths 8\n  neighbor 10.0.1.11 weight 100\n  redistribute connected\n',
    );
    const r = await cli('-C', c.root, 'check');
    expect(r.code, r.stderr).toBe(0);
    for (const s of [
      'neighbor 10.0.3.11 shutdown',
      'bgp bestpath as-path ignore',
      'neighbor 10.0.1.11 weight 100',
      'redistribute connected',
    ])
      expect(r.stderr).toContain(
        `anycast-verify: note: ${SPINE}:${lineOf(c, SPINE, s)}: ${s}: not derived: judged by intent.yaml and the live lab`,
      );
  });
});
