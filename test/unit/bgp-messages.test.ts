/**
 * BGP messages from tcpdump's own decoder (helpers/observe/bgp-messages.ts), on captures taken
 * in the seed lab (trixie runtime, tcpdump 4.99): a node's withdrawal over its MD5 session and
 * its leaf passing it on, a fabric session coming back (SYNs, a collision NOTIFICATION), and an
 * UPDATE segment carrying three messages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBgpCapture } from '../../helpers/observe/bgp-messages.js';

const data = (f: string) => readFileSync(join(import.meta.dirname, 'data', f), 'utf8');

describe('parseBgpCapture', () => {
  it("reads a withdrawal on an MD5 session (not an End-of-RIB, though tcpdump prints the marker) and the leaf's own", () => {
    const { messages } = parseBgpCapture(data('bgp-withdraw.tcpdump.txt'), 'leaf2');
    expect(messages.map((m) => [m.dir, m.src, m.dst, m.type, m.withdrawn.join()])).toEqual([
      ['In', '192.168.49.2', '192.168.49.101', 'UPDATE', '172.30.0.10/32'],
      ['Out', '192.168.49.101', '192.168.49.2', 'UPDATE', '172.30.0.10/32'],
      ['Out', '10.0.2.11', '10.0.2.1', 'UPDATE', '172.30.0.10/32'],
    ]);
    expect(messages[0]!.t).toBeCloseTo(1796282586859.348, 3);
  });

  it('reads session segments and a NOTIFICATION with its cause', () => {
    const { messages, segments } = parseBgpCapture(data('bgp-session.tcpdump.txt'), 'spine');
    expect(segments.map((s) => `${s.dir} ${s.src}>${s.dst} ${s.flags}`)).toEqual([
      'In 10.0.2.11>10.0.2.1 FIN',
      'In 10.0.2.11>10.0.2.1 SYN',
      'Out 10.0.2.1>10.0.2.11 SYN',
      'Out 10.0.2.1>10.0.2.11 FIN',
      'Out 10.0.2.1>10.0.2.11 SYN-ACK',
      'In 10.0.2.11>10.0.2.1 SYN-ACK',
    ]);
    const n = messages.find((m) => m.type === 'NOTIFICATION')!;
    expect(n.notification).toBe('Cease (6), subcode Connection Collision Resolution (7)');
  });

  it('splits one segment into its messages: two announcements with their AS paths, then End-of-RIB', () => {
    const ups = parseBgpCapture(data('bgp-session.tcpdump.txt'), 'spine').messages.filter((m) => m.t > 1796282427000);
    expect(ups.map((m) => [m.type, m.announced.join(), m.asPath])).toEqual([
      ['UPDATE', '172.30.0.10/32', '64999 65003 65102'],
      ['UPDATE', '192.168.100.0/24,192.168.200.0/24', '64999 65001'],
      ['EOR', '', undefined],
    ]);
  });
});
