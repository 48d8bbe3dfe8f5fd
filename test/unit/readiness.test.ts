/**
 * Endpoint readiness decides who advertises (Cilium 1.16–1.18: with externalTrafficPolicy Local
 * a node advertises the VIP only while it has a ready local endpoint; with Cluster every selected
 * node does). The emulated pod's readiness is its probe run against the echo server.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../helpers/model/errors.js';
import { advertisedVips } from '../../helpers/model/expected-routes.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { modelWarnings } from '../../helpers/model/warnings.js';
import { rejectionsOf } from '../support/rejections.js';
import { labCopy } from '../support/lab-copy.js';

const ECHO = 'fixtures/workloads/echo.yaml';
const badProbe = (c: ReturnType<typeof labCopy>) =>
  c.edit(ECHO, /httpGet:\n(\s+)path: \/health\n(\s+)port: http/, 'httpGet:\n$1path: /health\n$2port: 8080');

describe('readiness', () => {
  it('the seed pods are ready (their probe checks the port the echo server listens on)', () => {
    const model = loadLabModel({ root: labCopy().root });
    expect(Object.values(model.clusters).flatMap((c) => c.pods.map((p) => p.ready))).toEqual([true, true]);
  });

  it('a probe on a port nothing listens on: no pod is ready, and with Local no node advertises', () => {
    const c = labCopy();
    badProbe(c);
    const model = loadLabModel({ root: c.root });
    expect([...advertisedVips(model).keys()]).toEqual([]);
    expect(modelWarnings(model).map(formatProblem)).toContainEqual(
      expect.stringMatching(
        /echo-netns-0 on cluster01 never becomes ready: its readinessProbe checks port 8080; the echo server listens on 80; .*externalTrafficPolicy Local its node does not advertise/,
      ),
    );
  });

  it('with Cluster every selected node still advertises, ready or not', () => {
    const c = labCopy();
    badProbe(c);
    c.edit(ECHO, 'externalTrafficPolicy: Local', 'externalTrafficPolicy: Cluster');
    expect(advertisedVips(loadLabModel({ root: c.root })).get('172.30.0.10')).toEqual(['cluster01', 'cluster02']);
  });

  it('an exec probe is said to be not emulated', () => {
    const c = labCopy();
    c.edit(
      ECHO,
      /readinessProbe:\n(\s+)httpGet:/,
      'readinessProbe:\n$1exec:\n$1  command: [cat, /tmp/ready]\n$1httpGet:',
    );
    expect(rejectionsOf(c.root)).toContainEqual(
      expect.stringMatching(/readinessProbe\.exec: an exec readiness probe is not emulated/),
    );
  });
});

describe('LB-IPAM sharing keys', () => {
  it('are said to be not emulated, naming the annotation', () => {
    const c = labCopy();
    c.edit(
      ECHO,
      /labels:\n(\s+)lbmode: bgp/,
      'annotations:\n$1lbipam.cilium.io/sharing-key: shared\n  labels:\n$1lbmode: bgp',
    );
    expect(rejectionsOf(c.root)).toContainEqual(
      expect.stringMatching(
        /metadata\.annotations\.lbipam\.cilium\.io\/sharing-key: LB-IPAM IP sharing between Services is not emulated/,
      ),
    );
  });
});
