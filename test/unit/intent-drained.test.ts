/**
 * intent.yaml can say a cluster is drained and which communities the clusters' paths carry
 * (helpers/model/intent.ts): `check` compares both with what the files derive, each divergence
 * at its intent line, and a drain the files make (GRACEFUL_SHUTDOWN on cluster01's
 * advertisement) keeps the intent that says so.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../helpers/model/errors.js';
import { intentProblems } from '../../helpers/model/intent-problems.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { labCopy } from '../support/lab-copy.js';

const problemsOf = (root: string) => intentProblems(loadLabModel({ root })).map(formatProblem);
const DRAIN = [
  'apiVersion: cilium.io/v2',
  'kind: CiliumBGPAdvertisement',
  'metadata: {name: drain, labels: {advertise: bgp}}',
  'spec:',
  '  advertisements:',
  '    - advertisementType: Service',
  '      service: {addresses: [LoadBalancerIP]}',
  '      selector: {matchLabels: {lbmode: bgp}}',
  '      attributes: {communities: {wellKnown: [planned-shut], standard: ["65101:100"]}}',
  '',
].join('\n');
/** The seed's intent without its ECMP claim, plus these lines under the VIP. */
const withIntent = (c: ReturnType<typeof labCopy>, lines: string) =>
  c.edit('intent.yaml', '    ecmp:\n      - router: spine\n        over: [cluster01, cluster02]\n', lines);

describe('a drained cluster in intent.yaml', () => {
  it('holds when the files drain it (GRACEFUL_SHUTDOWN on its advertisement), and carries its communities', () => {
    const c = labCopy();
    c.write('fixtures/cilium/cluster01/drain.yaml', DRAIN);
    withIntent(c, '    drained: [cluster01]\n    communities: [graceful-shutdown]\n');
    expect(problemsOf(c.root)).toEqual(
      // cluster02 advertises without the community: named at its intent line.
      [
        expect.stringMatching(
          /intent\.yaml:\d+: vips\[0\]\.communities\[0\]: cluster02 \(cluster02\) advertises 172\.30\.0\.10 with communities \[none\], intent says it carries graceful-shutdown/,
        ),
      ],
    );
  });

  it('is named where the files still forward to it, and where intent contradicts itself', () => {
    const c = labCopy();
    withIntent(c, '    drained: [cluster01]\n');
    expect(problemsOf(c.root)).toEqual([
      expect.stringMatching(
        /vips\[0\]\.drained\[0\]: the configs leave leaf1 forwarding 172\.30\.0\.10 to cluster01 \(its one path\), intent says cluster01 is drained/,
      ),
      expect.stringMatching(
        /vips\[0\]\.drained\[0\]: the configs leave spine forwarding 172\.30\.0\.10 to cluster01 \(ECMP over cluster01, cluster02\), intent says cluster01 is drained/,
      ),
    ]);
    const d = labCopy();
    d.edit(
      'intent.yaml',
      '        over: [cluster01, cluster02]\n',
      '        over: [cluster01, cluster02]\n    drained: [cluster01, cluster09]\n',
    );
    expect(problemsOf(d.root)).toEqual([
      expect.stringMatching(
        /drained\[0\]: intent declares ECMP over cluster01 for 172\.30\.0\.10 and says it is drained/,
      ),
      expect.stringMatching(/drained\[1\]: cluster09 is not one of the clusters that advertise 172\.30\.0\.10/),
    ]);
  });

  it('refuses a community that is none, by line', () => {
    const c = labCopy();
    withIntent(c, '    communities: ["65536:1"]\n');
    expect(() => problemsOf(c.root)).toThrow(/intent\.yaml:\d+: vips\[0\]\.communities\[0\]: expected AA:NN/);
  });
});
