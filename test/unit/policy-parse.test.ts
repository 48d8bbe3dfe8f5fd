/**
 * The frr.conf reader on the statements real fabrics use (issue #26): peer-groups and what
 * members inherit, route-maps, prefix-, community- and AS-path lists, `frr defaults
 * datacenter`, ebgp-requires-policy, graceful-shutdown, BFD, allowas-in and local-as are read;
 * a valid statement outside the derived subset is accepted with a "not derived" note (never
 * refused); an invalid one is still refused with file, statement and line.
 */
import { describe, expect, it } from 'vitest';
import { parseFrrConfigText, type FrrConfig } from '../../helpers/model/frr-config.js';
import { ProblemList } from '../../helpers/model/errors.js';
import { NOT_DERIVED } from '../../helpers/model/frr-statement.js';

function parse(text: string): { c: FrrConfig; problems: string[] } {
  const p = new ProblemList();
  const c = parseFrrConfigText(text, 'r.conf', p);
  return { c, problems: p.items.map((x) => `${x.line}: ${x.field}: ${x.message}`) };
}

const bgp = (lines: string[], head = 'frr defaults traditional') =>
  [head, 'router bgp 65000', ...lines.map((l) => ` ${l}`), 'exit', ''].join('\n');

describe('FRR defaults (bgpd/bgp_vty.c, bgp_vty.h FRR_CFG_DEFAULT_* at frr-10.3 and frr-10.5.1)', () => {
  it('traditional: timers 60/180, ebgp-requires-policy on', () => {
    const { c } = parse(bgp([]));
    expect(c.bgp).toMatchObject({ timers: { keepalive: 60, hold: 180 }, ebgpRequiresPolicy: true });
  });
  it('datacenter: timers 3/9, ebgp-requires-policy off (the datacenter profile turns it off, not on)', () => {
    const { c } = parse(bgp([], 'frr defaults datacenter'));
    expect(c.profile).toBe('datacenter');
    expect(c.bgp).toMatchObject({ timers: { keepalive: 3, hold: 9 }, ebgpRequiresPolicy: false });
  });
  it('bgp ebgp-requires-policy, graceful-shutdown, default local-preference, always-compare-med are read', () => {
    const { c, problems } = parse(
      bgp(
        [
          'bgp ebgp-requires-policy',
          'bgp graceful-shutdown',
          'bgp default local-preference 200',
          'bgp always-compare-med',
        ],
        'frr defaults datacenter',
      ),
    );
    expect(problems).toEqual([]);
    expect(c.bgp).toMatchObject({
      ebgpRequiresPolicy: true,
      ebgpRequiresPolicyLine: 3,
      gracefulShutdown: true,
      defaultLocalPref: 200,
      alwaysCompareMed: true,
    });
  });
});

describe('peer-groups (bgpd/bgp_vty.c "neighbor … peer-group PGNAME")', () => {
  const text = bgp([
    'neighbor FABRIC peer-group',
    'neighbor FABRIC remote-as 64999',
    'neighbor FABRIC password s3cret',
    'neighbor FABRIC timers 3 9',
    'neighbor FABRIC bfd',
    'neighbor 10.0.0.1 peer-group FABRIC',
    'neighbor 10.0.1.1 peer-group FABRIC',
    'neighbor 10.0.1.1 timers 1 3',
    'address-family ipv4 unicast',
    ' neighbor FABRIC route-map IN in',
    ' neighbor FABRIC allowas-in 2',
    ' neighbor 10.0.1.1 route-map OTHER in',
    'exit-address-family',
  ]);
  it('a member inherits what it does not set itself; what it sets wins', () => {
    const { c, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(Object.keys(c.bgp!.neighbors)).toEqual(['10.0.0.1', '10.0.1.1']);
    expect(c.bgp!.neighbors['10.0.0.1']).toMatchObject({
      peerGroup: 'FABRIC',
      remoteAs: 64999,
      remoteAsLine: 4,
      password: 's3cret',
      timers: { keepalive: 3, hold: 9 },
      bfd: { line: 7, strict: false },
      ipv4: { routeMapIn: { name: 'IN', line: 12 }, allowasIn: 2 },
    });
    expect(c.bgp!.neighbors['10.0.1.1']).toMatchObject({
      timers: { keepalive: 1, hold: 3 },
      ipv4: { routeMapIn: { name: 'OTHER' }, allowasIn: 2 },
    });
  });
  it('a statement for a peer-group that was never declared is refused, as FRR refuses it', () => {
    expect(parse(bgp(['neighbor 10.0.0.1 peer-group NOPE'])).problems).toEqual([
      expect.stringMatching(/^3: neighbor 10\.0\.0\.1 peer-group NOPE: no peer-group NOPE/),
    ]);
    expect(parse(bgp(['neighbor NOPE remote-as 1'])).problems).toEqual([
      expect.stringMatching(/^3: neighbor NOPE remote-as 1: NOPE is no IPv4 address and no peer-group/),
    ]);
  });
});

describe('neighbour statements of the subset', () => {
  it('local-as with its flags, allowas-in (3 by default, origin), bfd strict, activate', () => {
    const { c, problems } = parse(
      bgp([
        'no bgp default ipv4-unicast',
        'neighbor 10.0.0.1 remote-as 65001',
        'neighbor 10.0.0.1 local-as 65100 no-prepend replace-as',
        'neighbor 10.0.0.1 bfd strict',
        'address-family ipv4 unicast',
        ' neighbor 10.0.0.1 activate',
        ' neighbor 10.0.0.1 allowas-in',
        'exit-address-family',
      ]),
    );
    expect(problems).toEqual([]);
    expect(c.bgp!.defaultIpv4Unicast).toBe(false);
    expect(c.bgp!.neighbors['10.0.0.1']).toMatchObject({
      localAs: { asn: 65100, noPrepend: true, replaceAs: true, dualAs: false },
      bfd: { strict: true },
      ipv4: { activated: true, allowasIn: 3 },
    });
    expect(
      parse(bgp(['neighbor 10.0.0.1 remote-as 1', 'neighbor 10.0.0.1 allowas-in origin'])).c.bgp!.neighbors['10.0.0.1']!
        .ipv4.allowasIn,
    ).toBe('origin');
  });
  it('allowas-in above 10 is refused (FRR takes 1-10)', () => {
    expect(parse(bgp(['neighbor 10.0.0.1 remote-as 1', 'neighbor 10.0.0.1 allowas-in 11'])).problems).toEqual([
      expect.stringMatching(/^4: neighbor 10\.0\.0\.1 allowas-in 11: expected allowas-in \[1-10\|origin\]/),
    ]);
  });
});

describe('policy objects', () => {
  const text = [
    'ip prefix-list VIPS seq 10 permit 172.30.0.0/24 le 32',
    'ip prefix-list VIPS seq 5 deny 172.30.0.99/32',
    'ip prefix-list ALL permit any',
    'bgp community-list standard DRAIN seq 5 permit graceful-shutdown',
    'bgp community-list 10 permit 65000:1 65000:2',
    'bgp as-path access-list FROM3 seq 5 permit _65003_',
    'route-map OUT permit 10',
    ' match ip address prefix-list VIPS',
    ' match community DRAIN exact-match',
    ' set as-path prepend 65000 65000',
    ' set local-preference +50',
    ' set metric 20',
    ' set community 65000:9 no-export additive',
    'exit',
    '',
  ].join('\n');
  it('reads prefix-lists in sequence order (auto sequence numbers as FRR picks them), community and AS-path lists, route-map clauses', () => {
    const { c, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(c.policy.prefixLists.VIPS!.map((e) => [e.seq, e.action, e.prefix, e.le])).toEqual([
      [5, 'deny', '172.30.0.99/32', undefined],
      [10, 'permit', '172.30.0.0/24', 32],
    ]);
    expect(c.policy.prefixLists.ALL).toEqual([{ seq: 5, action: 'permit', prefix: '0.0.0.0/0', le: 32, line: 3 }]);
    expect(c.policy.communityLists.DRAIN![0]!.communities).toEqual(['65535:0']);
    expect(c.policy.communityLists['10']![0]!.communities).toEqual(['65000:1', '65000:2']);
    expect(c.policy.asPathLists.FROM3![0]!.regex).toBe('_65003_');
    expect(c.policy.routeMaps.OUT).toEqual([
      {
        action: 'permit',
        seq: 10,
        line: 7,
        matches: [
          { kind: 'prefix-list', list: 'VIPS' },
          { kind: 'community', list: 'DRAIN', exact: true },
        ],
        sets: [
          { kind: 'as-path-prepend', asns: [65000, 65000] },
          { kind: 'local-preference', op: '+', value: 50 },
          { kind: 'metric', op: '=', value: 20 },
          { kind: 'community', communities: ['65000:9', '65535:65281'], additive: true },
        ],
      },
    ]);
  });
  it('refuses what is invalid, naming the line', () => {
    const { problems } = parse(
      [
        'ip prefix-list X seq 5 permit 10.0.0.0/8 ge 40',
        'route-map R allow 10',
        'bgp community-list standard C permit 70000:1',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^1: ip prefix-list X .*: expected ge N or le N \(0 to 32\)/),
      expect.stringMatching(/^2: route-map R allow 10: expected route-map NAME permit\|deny SEQ/),
      expect.stringMatching(/^3: bgp community-list standard C permit 70000:1: expected communities AA:NN/),
    ]);
  });
});

describe('valid statements outside the subset: accepted with a note, never refused', () => {
  const text = [
    'route-map R permit 10',
    ' match tag 5',
    ' set weight 100',
    ' on-match next',
    'exit',
    'router bgp 65000',
    ' bgp bestpath as-path ignore',
    ' neighbor 10.0.0.1 remote-as 65001',
    ' neighbor 10.0.0.1 shutdown',
    ' address-family ipv4 unicast',
    '  redistribute connected',
    '  neighbor 10.0.0.1 weight 100',
    '  neighbor 10.0.0.1 route-map R in',
    ' exit-address-family',
    'exit',
    'router bgp 65000 vrf red',
    'exit',
    '',
  ].join('\n');
  it('each gets "not derived: judged by intent.yaml and the live lab", at its line', () => {
    const { c, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(c.notes.map((n) => [n.line, n.field])).toEqual([
      [2, 'match tag 5'],
      [3, 'set weight 100'],
      [4, 'on-match next'],
      [7, 'bgp bestpath as-path ignore'],
      [9, 'neighbor 10.0.0.1 shutdown'],
      [11, 'redistribute connected'],
      [12, 'neighbor 10.0.0.1 weight 100'],
      [16, 'router bgp 65000 vrf red'],
    ]);
    for (const n of c.notes) expect(n.message.startsWith(NOT_DERIVED)).toBe(true);
  });
});
