/**
 * The failover suite's captures, parsed: `ip -ts monitor route` (iproute2 6.1–6.x) text into
 * the VIP's FIB history, and `tcpdump -w` pcap (4.99, libpcap 1.10) into SYNs, resets and ICMP
 * errors with the request each one quotes.
 */
import { describe, expect, it } from 'vitest';
import { parseRouteMonitor } from '../../helpers/observe/route-monitor.js';
import { ownCaptureGaps, parseTrail, trailFilter, type TrailPacket } from '../../helpers/observe/packet-trail.js';
import { ANSWER, ICMP, pcapOf, REQUEST, RST, SYN, SYNACK, trailOf, VIP } from '../support/trail-pcap.js';
import { icmpWords } from '../../helpers/observe/pcap.js';

const T = (s: string) => Date.parse(`${s}Z`);

describe('parseRouteMonitor', () => {
  const text = [
    '[2026-11-27T16:47:37.375987] 172.30.0.10 nhid 18 proto bgp metric 20 ',
    '\tnexthop via 10.0.3.11 dev eth3 weight 1 ',
    '\tnexthop via 10.0.2.11 dev eth2 weight 1 ',
    '[2026-11-27T16:47:37.400000] local 10.0.2.1 dev eth2 table local proto kernel scope host src 10.0.2.1 ',
    '[2026-11-27T16:47:39.056014] 172.30.0.10 nhid 20 via 10.0.3.11 dev eth3 proto bgp metric 20 ',
    '[2026-11-27T16:47:39.100000] 172.30.0.100 nhid 20 via 10.0.3.11 dev eth3 proto bgp metric 20 ',
    '[2026-11-27T16:47:40.031687] Deleted 172.30.0.10 nhid 20 via 10.0.3.11 dev eth3 proto bgp metric 20 ',
  ].join('\n');

  it('turns multipath, single-path and deleted routes of the VIP into next-hop sets, to the microsecond', () => {
    const changes = parseRouteMonitor(text, 'spine', VIP);
    expect(changes.map((c) => c.nextHops)).toEqual([['10.0.2.11', '10.0.3.11'], ['10.0.3.11'], []]);
    expect(changes[1]!.t).toBeCloseTo(T('2026-11-27T16:47:39.056') + 0.014, 3);
    expect(changes.every((c) => c.router === 'spine' && c.source === 'event')).toBe(true);
  });

  it('ignores other prefixes, including ones the VIP is a prefix of', () => {
    expect(parseRouteMonitor(text, 'spine', '172.30.0.100').map((c) => c.nextHops)).toEqual([['10.0.3.11']]);
    expect(parseRouteMonitor(text, 'spine', '10.9.9.9')).toEqual([]);
  });
});

describe('parseTrail (tcpdump -w: pcap, LINUX_SLL2)', () => {
  it('reads SYNs, resets and ICMP errors with the port of the request they quote', () => {
    const pkts = trailOf(
      [
        SYN('1795798058.100000', 'eth1', 'In', 63, 5, '192.168.100.11', 31111),
        ICMP('1795798058.100100', 'eth1', '10.0.2.11', '192.168.100.11', 'net 172.30.0.10 unreachable', 31111),
        RST('1795798058.2', 'eth0', '192.168.100.11', 31112),
      ],
      'leaf2',
    );
    expect(
      pkts.map((p) => [p.kind, p.dir, p.dev, p.ttl, p.kind === 'rst' ? p.dport : (p.sport ?? p.quoted?.sport)]),
    ).toEqual([
      ['syn', 'In', 'eth1', 63, 31111],
      ['icmp', 'Out', 'eth1', 64, 31111],
      ['rst', 'Out', 'eth0', 64, 31112],
    ]);
    expect(pkts[0]!.t).toBeCloseTo(1795798058100, 3);
    expect([pkts[0]!.ipId, pkts[0]!.src, pkts[0]!.dst]).toEqual([5, '192.168.100.11', VIP]);
    expect(pkts[1]!.icmp).toBe('net 172.30.0.10 unreachable');
    expect(pkts[1]!.quoted).toEqual({ src: '192.168.100.11', sport: 31111 });
  });

  it("reads the VIP's SYN-ACK as its own kind, keyed like a reset by the client's port", () => {
    const [p] = trailOf(SYNACK('1795798058.3', 'eth0', 'In', '192.168.100.11', 31113), 'client');
    expect([p?.kind, p?.dir, p?.dst, p?.dport]).toEqual(['synack', 'In', '192.168.100.11', 31113]);
  });

  it('reads data segments as the request or the answer by their side of the VIP, and skips them without the VIP', () => {
    const records = [
      REQUEST('1795798058.4', 'eth1', 'Out', '192.168.100.11', 31114),
      ANSWER('1795798058.5', 'eth1', 'In', '192.168.100.11', 31114, true),
    ];
    expect(trailOf(records, 'client', VIP).map((p) => [p.kind, p.dir, p.src, p.sport, p.dst, p.dport])).toEqual([
      ['request', 'Out', '192.168.100.11', 31114, VIP, 80],
      ['answer', 'In', VIP, 80, '192.168.100.11', 31114],
    ]);
    expect(trailOf(records, 'client')).toEqual([]);
  });

  it('says what it could not read: no output, another format, a cut stream; an unknown interface by its index', () => {
    expect(parseTrail(Buffer.alloc(0), 'n').problem).toBe('no output');
    expect(parseTrail(Buffer.from('tcpdump: listening on any\n'), 'n').problem).toBe('its output is not a pcap stream');
    const whole = pcapOf([SYN('1795798058.1', 'eth1', 'In', 63, 5, '192.168.100.11', 31111)]);
    const cut = parseTrail(whole.subarray(0, whole.length - 3), 'n');
    expect([cut.records, cut.problem]).toEqual([0, 'its output ends inside a packet (the capture was cut)']);
    const ethernet = Buffer.from(whole);
    ethernet.writeUInt32LE(1, 20);
    expect(parseTrail(ethernet, 'n').problem).toMatch(/link type 1 is not read/);
    const read = parseTrail(whole, 'n');
    expect([read.records, read.problem, read.packets[0]!.dev]).toEqual([1, undefined, 'if3']);
  });

  it('words ICMP errors as tcpdump -nn prints them (print-icmp.c, tcpdump 4.99.5)', () => {
    const q = { src: '192.168.100.11', dst: VIP, proto: 6, sport: 31111, dport: 80 };
    expect(icmpWords(3, 0, q)).toBe('net 172.30.0.10 unreachable');
    expect(icmpWords(3, 1, q)).toBe('host 172.30.0.10 unreachable');
    expect(icmpWords(3, 3, q)).toBe('172.30.0.10 tcp port 80 unreachable');
    expect(icmpWords(3, 13, q)).toBe('host 172.30.0.10 unreachable - admin prohibited filter');
    expect(icmpWords(11, 0, q)).toBe('time exceeded in-transit');
    expect(icmpWords(4, 0)).toBe('source quench');
    expect(icmpWords(42, 0)).toBe('type-#42');
  });
});

describe('trailFilter', () => {
  it("adds the VIP's SYN-ACKs at a client only", () => {
    const synAcks = /tcp-syn\|tcp-ack\) == \(tcp-syn\|tcp-ack\)/;
    expect(trailFilter('172.30.0.10', true)).toMatch(synAcks);
    expect(trailFilter('172.30.0.10')).not.toMatch(synAcks);
  });

  it('takes the data segments (PSH without SYN or RST) at every node', () => {
    for (const atClient of [true, false])
      expect(trailFilter('172.30.0.10', atClient)).toContain(
        '(host 172.30.0.10 and tcp[tcpflags] & (tcp-push|tcp-syn|tcp-rst) == tcp-push)',
      );
  });

  it("keeps TCP from the probe's source ports only, so the held connections' requests stay out", () => {
    expect(trailFilter('172.30.0.10')).toMatch(/^\(tcp portrange 12000-31999 and \(/);
    expect(trailFilter('172.30.0.10', false, { from: 100, to: 200 })).toContain('tcp portrange 100-199 and');
  });
});

describe('ownCaptureGaps', () => {
  const syn = (node: string, sport: number): TrailPacket => ({
    t: 0,
    node,
    dev: 'eth0',
    dir: 'Out',
    ttl: 64,
    ipId: 1,
    src: '10.0.0.1',
    dst: '172.30.0.10',
    kind: 'syn',
    sport,
    dport: 80,
  });
  it("names a client whose own capture lacks its lost requests' SYNs, and no other", () => {
    const lost = [
      { client: 'client', sport: 1 },
      { client: 'client', sport: 2 },
      { client: 'client02', sport: 3 },
    ];
    // client02's SYN was captured at client02 (and wherever it went); client's at the spine only.
    expect(ownCaptureGaps(lost, [syn('client02', 3), syn('spine', 1), syn('spine', 2)])).toEqual({
      client: '2 SYNs its probe sent are missing from its own capture (tcpdump fell behind or stopped)',
    });
    expect(ownCaptureGaps(lost, [syn('client', 1), syn('client', 2), syn('client02', 3)])).toEqual({});
  });
});
