/**
 * The MRT the netns nodes originate their VIPs from (helpers/providers/netns/mrt-rib.ts), read
 * back field by field as RFC 6396 §4.3 lays it out, so an encoding slip fails here and not as
 * "VIPs not in its RIB yet" in a lab. That GoBGP reads it as intended is checked live: bring-up
 * waits until every VIP is in the speaker's RIB, and suite 2 checks AS paths and origin.
 */
import { describe, expect, it } from 'vitest';
import { originationMrt } from '../../helpers/providers/netns/mrt-rib.js';

interface Rec {
  type: number;
  subtype: number;
  body: Buffer;
}

function records(buf: Buffer): Rec[] {
  const out: Rec[] = [];
  for (let off = 0; off < buf.length;) {
    const len = buf.readUInt32BE(off + 8);
    out.push({
      type: buf.readUInt16BE(off + 4),
      subtype: buf.readUInt16BE(off + 6),
      body: buf.subarray(off + 12, off + 12 + len),
    });
    off += 12 + len;
  }
  return out;
}

describe('originationMrt', () => {
  const recs = records(originationMrt(['172.30.0.10/32', '10.200.0.0/16'], 1_800_000_000));

  it('starts with a PEER_INDEX_TABLE of one peer with AS 0 (a local path to GoBGP)', () => {
    expect(recs.map((r) => [r.type, r.subtype])).toEqual([
      [13, 1],
      [13, 2],
      [13, 2],
    ]);
    const p = recs[0]!.body;
    expect(p.readUInt16BE(4)).toBe(0); // view name length
    expect(p.readUInt16BE(6)).toBe(1); // peer count
    expect(p[8]).toBe(0x02); // IPv4 peer, 4-byte AS
    expect(p.readUInt32BE(17)).toBe(0); // peer AS
  });

  it('carries each prefix with ORIGIN IGP and NEXT_HOP 0.0.0.0 only, as `gobgp global rib add <prefix> origin igp` does', () => {
    const rib = (r: Rec) => {
      const b = r.body;
      const len = b[4]!;
      const bytes = Math.ceil(len / 8);
      const prefix = [...b.subarray(5, 5 + bytes)].concat([0, 0, 0, 0]).slice(0, 4).join('.');
      const o = 5 + bytes;
      const entries = b.readUInt16BE(o);
      const attrLen = b.readUInt16BE(o + 2 + 6);
      const attrs = b.subarray(o + 2 + 8, o + 2 + 8 + attrLen);
      return { seq: b.readUInt32BE(0), prefix: `${prefix}/${len}`, entries, attrs: [...attrs] };
    };
    expect(rib(recs[1]!)).toEqual({
      seq: 0,
      prefix: '172.30.0.10/32',
      entries: 1,
      attrs: [0x40, 1, 1, 0, 0x40, 3, 4, 0, 0, 0, 0],
    });
    expect(rib(recs[2]!)).toMatchObject({ seq: 1, prefix: '10.200.0.0/16' });
  });

  it("adds the advertisement's LOCAL_PREF, COMMUNITIES and LARGE_COMMUNITY (optional transitive), each as RFC 4271/1997/8092 encode them", () => {
    const [, entry] = records(
      originationMrt(
        [
          {
            prefix: '172.30.0.10/32',
            attributes: { communities: ['65000:100', '65535:0'], large: ['64512:1:2'], localPreference: 200 },
          },
        ],
        1_800_000_000,
      ),
    );
    const b = entry!.body;
    const o = 5 + 4 + 2 + 6;
    const attrs = [...b.subarray(o + 2, o + 2 + b.readUInt16BE(o))];
    expect(attrs).toEqual([
      ...[0x40, 1, 1, 0],
      ...[0x40, 3, 4, 0, 0, 0, 0],
      ...[0x40, 5, 4, 0, 0, 0, 200],
      ...[0xc0, 8, 8, 0xfd, 0xe8, 0, 100, 0xff, 0xff, 0, 0],
      ...[0xc0, 32, 12, 0, 0, 0xfc, 0, 0, 0, 0, 1, 0, 0, 0, 2],
    ]);
  });

  it('uses a two-octet length past 255 octets (the extended-length flag)', () => {
    const many = Array.from({ length: 70 }, (_, i) => `65000:${i}`);
    const [, entry] = records(
      originationMrt([{ prefix: '172.30.0.10/32', attributes: { communities: many, large: [] } }]),
    );
    const b = entry!.body;
    const at = 5 + 4 + 2 + 6 + 2 + 4 + 7;
    expect([b[at], b[at + 1], b.readUInt16BE(at + 2)]).toEqual([0xd0, 8, 280]);
  });

  it('refuses what is not an IPv4 prefix', () => {
    expect(() => originationMrt(['172.30.0/32'])).toThrow(/not an IPv4 prefix: 172.30.0\/32/);
    expect(() => originationMrt(['172.30.0.1/33'])).toThrow(/not an IPv4 prefix/);
  });
});
