import { describe, expect, it } from 'vitest';
import { parseFrrConfigText } from '../../helpers/model/frr-config.js';
import { ProblemList } from '../../helpers/model/errors.js';
import { parseExecLine } from '../../helpers/model/host-exec.js';
import { selectorMatches } from '../../helpers/model/label-selector.js';
import { parseGobgpNeighbors } from '../../helpers/providers/netns/gobgp-state.js';

describe('FRR config reader', () => {
  it('reads interfaces, neighbours, timers and multipath knobs', () => {
    const p = new ProblemList();
    const c = parseFrrConfigText(
      'hostname r\ninterface eth1\n ip address 10.0.0.1/24\nexit\nrouter bgp 65000\n bgp bestpath as-path multipath-relax\n timers bgp 3 9\n neighbor 10.0.0.2 remote-as 65001\n neighbor 10.0.0.2 password s3\n neighbor 10.0.0.2 passive\n address-family ipv4 unicast\n  maximum-paths 4\n exit-address-family\nexit\n',
      'r.conf',
      p,
    );
    expect(p.items).toEqual([]);
    expect(c.interfaces.eth1!.addresses).toEqual(['10.0.0.1/24']);
    expect(c.bgp).toMatchObject({
      asn: 65000,
      multipathRelax: true,
      maximumPaths: 4,
      timers: { keepalive: 3, hold: 9 },
    });
    expect(c.bgp!.neighbors['10.0.0.2']).toMatchObject({ remoteAs: 65001, password: 's3', passive: true, line: 8 });
  });

  it('reads remote-as external/internal, and reports a remote-as that is none of ASN, external, internal, with its line', () => {
    const p = new ProblemList();
    const c = parseFrrConfigText(
      'router bgp 65000\n neighbor 10.0.0.2 remote-as external\n neighbor 10.0.0.3 remote-as ebgp\n',
      'r.conf',
      p,
    );
    expect(c.bgp!.neighbors['10.0.0.2']).toMatchObject({ remoteAsKind: 'external', remoteAsLine: 2 });
    expect(p.items).toEqual([
      expect.objectContaining({ file: 'r.conf', line: 3, field: 'neighbor 10.0.0.3 remote-as ebgp' }),
    ]);
  });
});

describe('exec lines', () => {
  it('accepts the ip commands the netns provider can reproduce and explains the rest', () => {
    expect(parseExecLine('ip addr add 10.1.1.1/24 dev eth1')).toEqual({
      type: 'address',
      address: { cidr: '10.1.1.1/24', dev: 'eth1' },
    });
    expect(parseExecLine('ip route replace default via 10.1.1.254 dev eth1')).toEqual({
      type: 'route',
      route: { prefix: 'default', via: '10.1.1.254', dev: 'eth1' },
    });
    expect(parseExecLine('ip route add 10.2.0.0/16 via 10.1.1.254 metric 5')).toEqual({
      error: 'route option "metric" is not emulated (only via and dev)',
    });
    expect(parseExecLine('sysctl -w net.ipv4.ip_forward=1')).toHaveProperty('error');
  });
});

describe('label selectors', () => {
  it('implement matchLabels and the four expression operators', () => {
    const l = { a: '1', b: '2' };
    expect(selectorMatches({ matchLabels: { a: '1' } }, l)).toBe(true);
    expect(selectorMatches({ matchLabels: { a: '2' } }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['never'] }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'b', operator: 'In', values: ['3'] }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, l)).toBe(true);
  });
});

describe('GoBGP neighbour state', () => {
  it("maps GoBGP session states to Cilium's strings", () => {
    const json = JSON.stringify([
      {
        conf: { neighbor_address: '10.0.0.1', peer_asn: 65001, local_asn: 65101 },
        state: { session_state: 6 },
        timers: { state: { negotiated_hold_time: 9, keepalive_interval: 3 } },
      },
      { conf: { neighbor_address: '10.0.0.2', peer_asn: 65002 }, state: { session_state: 3 } },
    ]);
    expect(parseGobgpNeighbors(json, 65101)).toEqual([
      expect.objectContaining({
        peerAddress: '10.0.0.1',
        state: 'established',
        appliedHoldSeconds: 9,
        appliedKeepaliveSeconds: 3,
        localASN: 65101,
      }),
      expect.objectContaining({ peerAddress: '10.0.0.2', state: 'active', localASN: 65101 }),
    ]);
  });
});
