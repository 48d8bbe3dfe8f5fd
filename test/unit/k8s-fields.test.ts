/**
 * Kubernetes fields the emulation does not carry out are followed or rejected by name, never
 * passed through and ignored: a pod's nodeName and nodeSelector choose its nodes; tolerations
 * change nothing (no node of the lab is tainted); affinity and topologySpreadConstraints are
 * rejected; a Service's loadBalancerSourceRanges is accepted only when every client of the lab
 * is inside it; ipFamilies other than IPv4 and RequireDualStack are rejected.
 */
import { describe, expect, it } from 'vitest';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { checkRejects, ECHO, lineOf } from '../support/rejections.js';
import { labCopy } from '../support/lab-copy.js';

const POD_SPEC = '    spec:\n      containers:\n';
const SERVICE_SPEC = 'spec:\n  type: LoadBalancer\n';
const podSpec = (lines: string) => `    spec:\n${lines}      containers:\n`;
const serviceSpec = (lines: string) => `spec:\n  type: LoadBalancer\n${lines}`;

checkRejects([
  {
    name: 'affinity on the echo pods',
    mutate: (c) =>
      c.edit(
        ECHO,
        POD_SPEC,
        podSpec(
          '      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution: []\n',
        ),
      ),
    expect: (c) =>
      `${ECHO}:${lineOf(c, ECHO, '      affinity:')}: spec.template.spec.affinity: affinity is not emulated: the netns provider places pods round-robin over the nodes nodeName and nodeSelector allow`,
  },
  {
    name: 'a nodeSelector on a label the emulation does not know',
    mutate: (c) => c.edit(ECHO, POD_SPEC, podSpec('      nodeSelector:\n        disktype: ssd\n')),
    expect: (c) =>
      `${ECHO}:${lineOf(c, ECHO, 'nodeSelector:')}: spec.template.spec.nodeSelector.disktype: node label disktype is not known to the emulation (it knows kubernetes.io/hostname and kubernetes.io/os)`,
  },
  {
    name: "a nodeSelector no node of a cluster matches (cluster01's hostname, in the manifest both clusters apply)",
    mutate: (c) => c.edit(ECHO, POD_SPEC, podSpec('      nodeSelector:\n        kubernetes.io/hostname: cluster01\n')),
    expect: (c) =>
      `${ECHO}:${lineOf(c, ECHO, 'nodeSelector:')}: spec.template.spec.nodeSelector: no node of cluster cluster02 matches (kubernetes.io/hostname=cluster01): every pod would stay Pending`,
  },
  {
    name: 'loadBalancerSourceRanges leaving a client out',
    mutate: (c) => c.edit(ECHO, SERVICE_SPEC, serviceSpec('  loadBalancerSourceRanges: [192.168.100.0/24]\n')),
    expect: (c) =>
      `${ECHO}:${lineOf(c, ECHO, 'loadBalancerSourceRanges')}: spec.loadBalancerSourceRanges: client client02 (192.168.200.22) is outside [192.168.100.0/24]: Cilium would drop its traffic to the VIP, and the emulation does not filter by source (put every client inside a range, or leave the field out)`,
  },
  {
    name: 'an IPv6 family on the Service',
    mutate: (c) =>
      c.edit(ECHO, SERVICE_SPEC, serviceSpec('  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n')),
    expect: (c) =>
      `${ECHO}:${lineOf(c, ECHO, 'ipFamilies')}: spec.ipFamilies[1]: IPv6 is not emulated: the lab is IPv4 only`,
  },
]);

describe('followed', () => {
  it('nodeSelector on a known label, tolerations, IPv4 single stack and source ranges holding every client: accepted, pods placed', () => {
    const c = labCopy();
    c.edit(
      ECHO,
      POD_SPEC,
      podSpec(
        '      nodeSelector:\n        kubernetes.io/os: linux\n      tolerations:\n        - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}\n',
      ),
    );
    c.edit(
      ECHO,
      SERVICE_SPEC,
      serviceSpec(
        '  ipFamilies: [IPv4]\n  ipFamilyPolicy: SingleStack\n  loadBalancerSourceRanges: [192.168.0.0/16]\n',
      ),
    );
    const model = loadLabModel({ root: c.root });
    expect(Object.values(model.clusters).map((x) => x.pods.map((p) => p.node))).toEqual([['cluster01'], ['cluster02']]);
  });

  it('nodeName pins the pods (and a node that is not in the cluster is rejected by name)', () => {
    const c = labCopy();
    c.edit(ECHO, POD_SPEC, podSpec('      nodeName: cluster01\n'));
    expect(() => loadLabModel({ root: c.root })).toThrow(
      /spec\.template\.spec\.nodeName: no node cluster01 in cluster cluster02/,
    );
  });
});
