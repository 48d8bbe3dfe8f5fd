import { describe, expect, it } from 'vitest';
import { allocateLoadBalancerIPs } from '../../helpers/model/lb-ipam.js';
import type { IpPool } from '../../helpers/model/cilium-crds.js';
import type { Service } from '../../helpers/model/kube-objects.js';

const pool = (name: string, blocks: IpPool['spec']['blocks'], extra: Partial<IpPool['spec']> = {}): IpPool => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumLoadBalancerIPPool',
  metadata: { name },
  spec: { blocks, ...extra },
});
const svc = (name: string, labels: Record<string, string> = {}, annotations?: Record<string, string>): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', labels, annotations },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
});

describe('emulated LB-IPAM', () => {
  it('hands out a fresh range lowest-first', () => {
    const a = allocateLoadBalancerIPs([pool('p', [{ start: '10.9.0.5', stop: '10.9.0.9' }])], [svc('a'), svc('b')]);
    expect(a.map((x) => x.ip)).toEqual(['10.9.0.5', '10.9.0.6']);
  });

  it('starts a CIDR block at the network address unless allowFirstLastIPs is No', () => {
    expect(allocateLoadBalancerIPs([pool('p', [{ cidr: '10.9.1.0/24' }])], [svc('a')])[0]!.ip).toBe('10.9.1.0');
    expect(
      allocateLoadBalancerIPs([pool('p', [{ cidr: '10.9.1.0/24' }], { allowFirstLastIPs: 'No' })], [svc('a')])[0]!.ip,
    ).toBe('10.9.1.1');
  });

  it('after a pinned IP, takes the smallest free block first', () => {
    const a = allocateLoadBalancerIPs(
      [pool('p', [{ cidr: '10.9.2.0/24' }])],
      [svc('pinned', {}, { 'lbipam.cilium.io/ips': '10.9.2.200' }), svc('next')],
    );
    expect(a.map((x) => x.ip)).toEqual(['10.9.2.200', '10.9.2.201']);
  });

  it('honours the pool serviceSelector and reports Services no pool serves', () => {
    const p = pool('p', [{ start: '10.9.3.1' }], { serviceSelector: { matchLabels: { lbmode: 'bgp' } } });
    const a = allocateLoadBalancerIPs([p], [svc('other'), svc('mine', { lbmode: 'bgp' })]);
    expect(a).toEqual([
      { service: 'default/other', reason: 'no CiliumLoadBalancerIPPool selects this Service' },
      { service: 'default/mine', ip: '10.9.3.1', pool: 'p' },
    ]);
  });

  it('reports an exhausted pool', () => {
    const a = allocateLoadBalancerIPs([pool('p', [{ start: '10.9.4.1' }])], [svc('a'), svc('b')]);
    expect(a[1]).toEqual({ service: 'default/b', reason: 'every matching pool is exhausted' });
  });

  it('reports a disabled pool as disabled, not exhausted', () => {
    const a = allocateLoadBalancerIPs([pool('p', [{ start: '10.9.5.1' }], { disabled: true })], [svc('a')]);
    expect(a).toEqual([
      {
        service: 'default/a',
        reason: 'every pool that selects it is disabled (p: spec.disabled is true; Cilium allocates no new IP from it)',
      },
    ]);
  });
});
