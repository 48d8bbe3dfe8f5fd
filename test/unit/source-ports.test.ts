/**
 * The source ports the harness binds in a client (helpers/traffic/probe.mjs explains the plan):
 * outside the kernel's ephemeral range, apart from one another, never reused within a probe
 * run; and a bind or connect that fails inside the client named as a harness error.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROBE_SCRIPT } from '../../helpers/traffic/probe.js';
import { parseHeld, parseHeldHarness } from '../../helpers/traffic/held-connections.js';
import { FLOW_PORTS, freshPorts } from '../../helpers/traffic/flows.js';

interface Range {
  from: number;
  to: number;
}
/** client-ports.mjs's exports (plain JavaScript, so typed here), which probe.mjs and held-connections.mjs share. */
interface ProbePlan {
  PROBE_PORTS: Range;
  HELD_PORTS: Range;
  parsePortRange(text: string): Range;
  portRangeProblem(range: Range, ephemeral: Range, requests: number): string | undefined;
  portAt(range: Range, first: number, i: number): number;
  localCause(err: Partial<NodeJS.ErrnoException>): string | undefined;
  portHolders(procNetTcp: string, port: number): string[];
  portsInUse(procNetTcp: string): Set<number>;
  freeWindowStart(range: Range, busy: Set<number>, window: number, random?: () => number): number;
}
const plan = (await import(pathToFileURL(join(dirname(PROBE_SCRIPT), 'client-ports.mjs')).href)) as ProbePlan;

const LINUX_DEFAULT = plan.parsePortRange('32768\t60999\n');
const overlap = (a: Range, b: Range) => a.from < b.to && b.from < a.to;

/** /proc/net/tcp text: its header line, then `rows`. */
const procNetTcp = (...rows: string[]) =>
  ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', ...rows].join(
    '\n',
  );

describe('source port plan', () => {
  it("reads the kernel's ephemeral range as [from, to)", () => {
    expect(LINUX_DEFAULT).toEqual({ from: 32768, to: 61000 });
    expect(() => plan.parsePortRange('garbage')).toThrow(/not a port range/);
  });

  it("the probe's, the held connections' and the flows' ranges are apart and outside Linux's default ephemeral range", () => {
    const ranges = { probe: plan.PROBE_PORTS, held: plan.HELD_PORTS, flows: FLOW_PORTS };
    for (const [name, r] of Object.entries(ranges)) {
      expect(overlap(r, LINUX_DEFAULT), `${name} ${r.from}-${r.to - 1} against the ephemeral range`).toBe(false);
      expect(r.from, `${name} above the privileged ports`).toBeGreaterThanOrEqual(1024);
    }
    const names = Object.keys(ranges) as (keyof typeof ranges)[];
    for (const a of names)
      for (const b of names) if (a < b) expect(overlap(ranges[a], ranges[b]), `${a} vs ${b}`).toBe(false);
  });

  it('refuses a range that overlaps the namespace ephemeral range, or too small for one run', () => {
    expect(plan.portRangeProblem(plan.PROBE_PORTS, LINUX_DEFAULT, 6000)).toBeUndefined();
    expect(plan.portRangeProblem(plan.PROBE_PORTS, { from: 10000, to: 61000 }, 6000)).toMatch(
      /overlap the namespace's ephemeral range 10000-60999/,
    );
    // Touching is not overlapping: [12000, 32000) next to an ephemeral range from 32000.
    expect(plan.portRangeProblem(plan.PROBE_PORTS, { from: 32000, to: 61000 }, 6000)).toBeUndefined();
    expect(plan.portRangeProblem(plan.PROBE_PORTS, { from: 31999, to: 61000 }, 6000)).toMatch(/overlap/);
    expect(plan.portRangeProblem({ from: 12000, to: 12100 }, LINUX_DEFAULT, 101)).toMatch(
      /101 requests would reuse source ports/,
    );
    expect(plan.portRangeProblem({ from: 80, to: 2000 }, LINUX_DEFAULT, 10)).toMatch(/bad port range/);
  });

  it('takes ports in turn from a random start, wrapping inside the range, none twice within the range size', () => {
    const r = { from: 12000, to: 12010 };
    expect(Array.from({ length: 12 }, (_, i) => plan.portAt(r, 12007, i))).toEqual([
      12007, 12008, 12009, 12000, 12001, 12002, 12003, 12004, 12005, 12006, 12007, 12008,
    ]);
    const p = plan.PROBE_PORTS;
    const size = p.to - p.from;
    const first = p.to - 3;
    const run = Array.from({ length: size }, (_, i) => plan.portAt(p, first, i));
    expect(new Set(run).size).toBe(size);
    expect(run.every((x) => x >= p.from && x < p.to)).toBe(true);
  });

  it('flows draw distinct ports from their own range and say when it is used up', () => {
    const ports = freshPorts(50);
    expect(new Set(ports).size).toBe(50);
    expect(ports.every((x) => x >= FLOW_PORTS.from && x < FLOW_PORTS.to)).toBe(true);
    expect(() => freshPorts(FLOW_PORTS.to - FLOW_PORTS.from)).toThrow(/unused left/);
  });
});

describe('harness errors in the probes', () => {
  it('a bind or local connect failure is the harness; what the network did is not', () => {
    expect(plan.localCause({ syscall: 'bind', code: 'EADDRINUSE', message: 'bind EADDRINUSE 0.0.0.0:20001' })).toBe(
      'bind EADDRINUSE 0.0.0.0:20001',
    );
    expect(plan.localCause({ syscall: 'connect', code: 'EADDRNOTAVAIL', message: 'connect EADDRNOTAVAIL x' })).toBe(
      'connect EADDRNOTAVAIL x',
    );
    expect(plan.localCause({ syscall: 'connect', code: 'ENOBUFS', message: 'connect ENOBUFS x' })).toBe(
      'connect ENOBUFS x',
    );
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT'])
      expect(plan.localCause({ syscall: 'connect', code, message: code }), code).toBeUndefined();
    expect(plan.localCause({ message: 'timeout' })).toBeUndefined();
  });

  it("names the client's sockets that held a port, from /proc/net/tcp", () => {
    const proc = procNetTcp(
      '   0: 0B64A8C0:4E21 0A001EAC:0050 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000',
      '   1: 0B64A8C0:4E22 0A001EAC:0050 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000',
      '   2: 00000000:4E21 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000',
    );
    expect(plan.portHolders(proc, 20001)).toEqual([
      'TIME_WAIT 192.168.100.11:20001 -> 172.30.0.10:80',
      'LISTEN 0.0.0.0:20001 -> 0.0.0.0:0',
    ]);
    expect(plan.portHolders(proc, 20003)).toEqual([]);
  });

  it('every local port /proc/net/tcp shows held, in any state', () => {
    const proc = procNetTcp(
      '   0: 0B64A8C0:1F41 0A001EAC:0050 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000',
      '   1: 0B64A8C0:1F43 0A001EAC:0050 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000',
    );
    expect([...plan.portsInUse(proc)].sort()).toEqual([8001, 8003]);
  });

  it('held connections start where a whole window of ports is free, not by skipping busy ports (which keeps the ones an earlier fault broke)', () => {
    const range = { from: 100, to: 120 };
    // Ports 100-109 and 118 held (an earlier script's TIME_WAIT): the only free windows of 5 start at 110-113.
    const busy = new Set([100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 118]);
    const starts = new Set(
      Array.from({ length: 50 }, (_, i) => plan.freeWindowStart(range, busy, 5, () => (i % 10) / 10)),
    );
    expect([...starts].sort()).toEqual([110, 111, 112, 113]);
    // Windows wrap round the range: with only 118 held, a window may start at 119 and run on to 103.
    expect(plan.freeWindowStart(range, new Set([118]), 5, () => 0.999)).toBe(119);
    // No free window at all: a start anywhere (the script then passes over the busy ports it meets).
    expect(plan.freeWindowStart(range, new Set([100, 105, 110, 115]), 6, () => 0.5)).toBe(110);
  });

  it('a held connection that could not be opened is a harness error, not a connection', () => {
    const out = [
      '{"ev":"harness","c":3,"slot":3,"sport":8003,"t":1000,"cause":"bind EADDRINUSE 0.0.0.0:8003"}',
      '{"ev":"broke","c":3,"t":1000,"how":"connect","err":"EADDRINUSE"}',
      '{"ev":"open","c":4,"slot":3,"sport":8004,"t":1060}',
    ].join('\n');
    expect(parseHeldHarness('client', out)).toEqual([
      { client: 'client', t: 1000, sport: 8003, cause: 'bind EADDRINUSE 0.0.0.0:8003' },
    ]);
    expect(parseHeld('client', out).map((c) => c.sport)).toEqual([8004]);
  });
});

describe('portTaker', () => {
  it('takes ports in turn round the range, passing over the busy ones and marking each it takes', async () => {
    const { portTaker } = await import('../../helpers/traffic/client-ports.mjs');
    const busy = new Set([102, 104]);
    const next = portTaker({ from: 100, to: 105 }, 101, busy);
    expect([next(), next(), next()]).toEqual([101, 103, 100]);
    expect([...busy].sort()).toEqual([100, 101, 102, 103, 104]);
    // A whole round of busy ports: the next one is taken all the same.
    expect(next()).toBe(101);
  });
});
