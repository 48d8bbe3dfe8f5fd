/**
 * The gate's band for a deterministic timing (a waterfall link, or what is left of a total once
 * its random wait is taken out), from the samples of every baseline run:
 *
 *   upper = max + max(K · MAD, 2 · E, floor)   K = 10, E = its kind's largest excursion, floor = the resolution
 *
 * Why this rule:
 * - `max` first: the band can never flag one of the baseline's own runs (each sample ≤ max).
 * - MAD (median absolute deviation) as the spread: a robust scale that one slow outlier in the
 *   baseline cannot inflate the way a standard deviation would, so one bad run does not open
 *   the band for every later regression.
 * - K = 10: for a normal spread MAD ≈ 0.674 σ and the max of 10 runs sits ~1.5 σ above the
 *   median, so the limit is ~8.3 σ above it (a false flag per link ~1e-16); for an exponential
 *   (Laplace) tail, heavier than the measured links show, MAD = b·ln 2, the max of 10 sits
 *   ~1.6 b above the median and the limit ~8.5 b: P ≈ ½e^−8.5 ≈ 1e-4 per link, so ~60 guarded
 *   links × 10 clean runs expect < 0.1 false flags. K = 5 would expect ~2 there. The largest
 *   K that still catches a +50 ms slowdown at one hop: the measured hop links (bgpd's 50 ms
 *   process-queue hold, zebra's 10 ms RIB hold; docs/failover.md) have MAD ≲ 1 ms and
 *   max − median ≲ 3 ms, so 10·MAD + 3 ms ≈ 13 ms ≪ 50 ms.
 * - The kind floor: K·MAD of one link's ten samples understates the tail the host's scheduling
 *   gives every link of a kind (a FIB install stamped by `ip monitor` in user space, a veth
 *   crossing handed to softirq): 11 clean runs on the 2-core test host (2026-12-03,
 *   `npm run gate-mutants`, docs/failover.md "The gate's own mutation score") flagged 3 with K·MAD
 *   alone, each one excursion of one link (a FIB 4.8 ms above its median with MAD 0.25, a
 *   crossing 0.03 ms with MAD 0). So every link is also allowed twice E, E the largest excursion
 *   above its own median among all the baseline's links of its kind (same event: `tx`, `fib`,
 *   `rx`; deterministic links only): pooling the ~40 samples of a kind sees the tail one link's
 *   10 cannot, and for an exponential tail the largest of n excursions sits at b·ln n, so a new
 *   one passes 2E with probability ≈ n⁻² (~6e-4 for n = 40): ~6 links × 10 clean runs expect
 *   < 0.05 false flags. Measured there: E(fib) 4.8 ms, E(tx) 2.3 ms, E(rx) 0.03 ms: a +20 ms
 *   FIB slowdown still stands 10 ms clear of its band.
 * - The floor: a link whose every sample is equal (MAD 0, e.g. a veth crossing of 0–0.01 ms)
 *   still gets one unit of the value's resolution. The stamps themselves are µs (the kernel's
 *   capture stamps via `tcpdump -tt`, `ip -ts monitor`), and a link is recorded to 0.01 ms
 *   (failover-report.ts), so 0.01 ms is the finest difference the gate can see at all.
 */

/** How many MADs above the baseline's max a deterministic value may lie. */
export const BAND_K = 10;
/** The finest difference a waterfall link (ms, 2 decimals) can show. */
export const LINK_RESOLUTION_MS = 0.01;
/** The same for a total in seconds: its stamps are µs. */
export const TOTAL_RESOLUTION_S = 1e-6;
/** Fewer baseline runs than this and a band is not trusted (`baseline` refuses without --provisional). */
export const MIN_BASELINE_RUNS = 10;

export interface Band {
  /** Samples the band is made of (baseline runs that had the value). */
  n: number;
  median: number;
  mad: number;
  min: number;
  max: number;
  /** max + max(K·MAD, 2·E, floor). */
  upper: number;
  /** E, the largest excursion of the link's kind in the baseline (./link-gate.ts), when one was given. */
  kindExcursion?: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The band of `samples` (at least one), floored at `resolution` and at twice its kind's excursion `kindExcursion`. */
export function bandOf(samples: number[], resolution: number, k = BAND_K, kindExcursion?: number): Band {
  if (samples.length === 0) throw new Error('a band needs at least one sample');
  const m = median(samples);
  const mad = median(samples.map((x) => Math.abs(x - m)));
  const max = Math.max(...samples);
  return {
    n: samples.length,
    median: m,
    mad,
    min: Math.min(...samples),
    max,
    upper: max + Math.max(k * mad, 2 * (kindExcursion ?? 0), resolution),
    ...(kindExcursion === undefined ? {} : { kindExcursion }),
  };
}

/** How far above its own median each sample lies, the largest (0 for no samples): one link's share of its kind's E. */
export function largestExcursion(samples: number[]): number {
  if (samples.length === 0) return 0;
  const m = median(samples);
  return Math.max(0, ...samples.map((x) => x - m));
}

/** How a band reads in a regression or a table: `≤ 65.10 ms (n 12: median 62.40, MAD 0.50, max 64.83; max + 10·MAD)`. */
export function describeBand(b: Band, unit: 'ms' | 's'): string {
  const d = unit === 'ms' ? 2 : 3;
  const f = (x: number) => x.toFixed(d);
  const kind = b.kindExcursion === undefined ? '' : `, E ${f(b.kindExcursion)}`;
  const rule = b.kindExcursion === undefined ? 'resolution' : '2·E of its kind, resolution';
  return `≤ ${f(b.upper)} ${unit} (baseline n ${b.n}: median ${f(b.median)}, MAD ${f(b.mad)}, max ${f(b.max)}${kind}; max + max(${BAND_K}·MAD, ${rule}))`;
}
