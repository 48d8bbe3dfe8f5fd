/**
 * Originated VIPs as an MRT TABLE_DUMP_V2 file (RFC 6396 §4.3), for `gobgp mrt inject global`:
 * one gRPC stream (AddPathStream) adds every prefix, where `gobgp global rib add` costs one
 * process and one API call per prefix (16 nodes × 1000 VIPs would be 16 000 of them).
 *
 * What GoBGP makes of it is what `gobgp global rib add <prefix> origin igp` makes: each RIB
 * entry carries ORIGIN IGP and NEXT_HOP 0.0.0.0, nothing else (GoBGP sets its own address
 * towards eBGP peers and adds its AS, as for any local path), and the one peer of the
 * PEER_INDEX_TABLE has AS 0, which GoBGP's api2Path reads as "no source peer", the same as a
 * CLI-added path (pkg/server/grpc_server.go:341 at v3.37.0, :520 at v4.0.0; the CLI's own
 * next hop is 0.0.0.0, cmd/gobgp/global.go:1841 at v3.37.0). The suites check the result on
 * the wire (AS paths, origin) at every router.
 *
 * A path an advertisement gives attributes (helpers/model/cilium-attributes.ts) also carries
 * COMMUNITIES (RFC 1997, type 8), LARGE_COMMUNITY (RFC 8092, type 32) and LOCAL_PREF (type 5).
 * `mrt inject` keeps every attribute of an IPv4 entry as it is (cmd/gobgp/mrt.go:143-153 at
 * v3.37.0), and GoBGP itself drops LOCAL_PREF towards every peer but iBGP ones, as Cilium's
 * documentation says (pkg/server/server.go:817-821 at v3.37.0).
 */
import { NO_ATTRIBUTES, type PathAttributes } from '../../model/cilium-attributes.js';

/** One originated path: the prefix and the attributes its advertisements set. */
export interface OriginatedPath {
  prefix: string;
  attributes: PathAttributes;
}

const TABLE_DUMP_V2 = 13;
const PEER_INDEX_TABLE = 1;
const RIB_IPV4_UNICAST = 2;
const ATTR_TRANSITIVE = 0x40;
const ATTR_OPTIONAL = 0x80;
const ATTR_EXTENDED_LENGTH = 0x10;
const ORIGIN = 1;
const NEXT_HOP = 3;
const LOCAL_PREF = 5;
const COMMUNITIES = 8;
const LARGE_COMMUNITY = 32;
const ORIGIN_IGP = 0;

function record(subtype: number, body: Buffer, timestamp: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt32BE(timestamp, 0);
  header.writeUInt16BE(TABLE_DUMP_V2, 4);
  header.writeUInt16BE(subtype, 6);
  header.writeUInt32BE(body.length, 8);
  return Buffer.concat([header, body]);
}

const octets = (ip: string) => Buffer.from(ip.split('.').map(Number));

/** One path attribute: flags, type, length (two octets past 255, RFC 4271 §4.3), value. */
function attribute(type: number, value: Buffer, flags = ATTR_TRANSITIVE): Buffer {
  if (value.length <= 255) return Buffer.concat([Buffer.from([flags, type, value.length]), value]);
  const head = Buffer.from([flags | ATTR_EXTENDED_LENGTH, type, 0, 0]);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** Each part as a 32-bit or 16-bit big-endian word. */
function words(parts: number[], bytes: 2 | 4): Buffer {
  const b = Buffer.alloc(parts.length * bytes);
  parts.forEach((p, i) => (bytes === 2 ? b.writeUInt16BE(p, i * 2) : b.writeUInt32BE(p, i * 4)));
  return b;
}

/** The attributes an advertisement sets, encoded (none when it sets none). */
function extraAttributes(a: PathAttributes): Buffer[] {
  const out: Buffer[] = [];
  if (a.localPreference !== undefined) out.push(attribute(LOCAL_PREF, words([a.localPreference], 4)));
  // Communities as their parts, each a 16-bit (AA:NN) or a 32-bit (A:B:C, large) word; optional transitive.
  const list = (type: number, values: string[], bytes: 2 | 4) => {
    if (!values.length) return;
    const parts = values.flatMap((c) => c.split(':').map(Number));
    out.push(attribute(type, words(parts, bytes), ATTR_OPTIONAL | ATTR_TRANSITIVE));
  };
  list(COMMUNITIES, a.communities, 2);
  list(LARGE_COMMUNITY, a.large, 4);
  return out;
}

/** One local peer (type 0x02: IPv4 address, 4-byte AS) with AS 0 and BGP ID 0.0.0.0. */
function peerIndexTable(timestamp: number): Buffer {
  const body = Buffer.concat([
    octets('0.0.0.0'), // collector BGP ID
    Buffer.from([0, 0]), // view name length 0
    Buffer.from([0, 1]), // one peer
    Buffer.from([0x02]),
    octets('0.0.0.0'), // peer BGP ID
    octets('0.0.0.0'), // peer address
    Buffer.alloc(4), // peer AS 0
  ]);
  return record(PEER_INDEX_TABLE, body, timestamp);
}

function ribEntry(sequence: number, { prefix, attributes }: OriginatedPath, timestamp: number): Buffer {
  const [address, lenText] = prefix.split('/');
  const length = Number(lenText ?? 32);
  if (!address || !/^\d+\.\d+\.\d+\.\d+$/.test(address) || !(length >= 0 && length <= 32))
    throw new Error(`not an IPv4 prefix: ${prefix}`);
  const attrs = Buffer.concat([
    attribute(ORIGIN, Buffer.from([ORIGIN_IGP])),
    attribute(NEXT_HOP, octets('0.0.0.0')),
    ...extraAttributes(attributes),
  ]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(sequence, 0);
  head.writeUInt8(length, 4);
  const entry = Buffer.alloc(8);
  entry.writeUInt16BE(0, 0); // peer index
  entry.writeUInt32BE(timestamp, 2); // originated time
  entry.writeUInt16BE(attrs.length, 6);
  const body = Buffer.concat([
    head,
    octets(address).subarray(0, Math.ceil(length / 8)),
    Buffer.from([0, 1]), // one entry
    entry,
    attrs,
  ]);
  return record(RIB_IPV4_UNICAST, body, timestamp);
}

/** The MRT file that originates `paths` (IPv4, a.b.c.d/len; a bare prefix sets no attributes). */
export function originationMrt(
  paths: readonly (OriginatedPath | string)[],
  now = Math.floor(Date.now() / 1000),
): Buffer {
  const entries = paths.map((p) => (typeof p === 'string' ? { prefix: p, attributes: NO_ATTRIBUTES } : p));
  return Buffer.concat([peerIndexTable(now), ...entries.map((p, i) => ribEntry(i, p, now))]);
}
