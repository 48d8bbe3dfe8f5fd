// Epoch milliseconds with sub-millisecond resolution, on the same clock as the kernel's packet and
// route stamps (tcpdump -tt, ip -ts: CLOCK_REALTIME). `performance.timeOrigin + performance.now()`
// is not that clock: Node reads the wall clock and its monotonic clock once at start, and a
// process preempted between the two reads keeps the gap as an offset for its whole life. Measured
// 2026-12-03 on a loaded 2-core host: 2 of 40 processes were off by 68 and 79 ms, enough to put a
// probe's SYNs outside the packet trail's window ("not captured anywhere"). Calibrated here
// instead: Date.now() (the wall clock, truncated to the ms) minus performance.now(), the largest of
// several adjacent reads (a preemption between two reads only makes the difference smaller), so
// the origin is within 1 ms of the wall clock's.
// Plain JavaScript: the probe and held-connections scripts import it inside namespaces.
const SAMPLES = 20;

function calibrate() {
  let best = -Infinity;
  for (let i = 0; i < SAMPLES; i++) best = Math.max(best, Date.now() - performance.now());
  return best;
}

const origin = calibrate();

/** Epoch ms now, on the wall clock the kernel stamps packets and routes with. */
export function epochNow() {
  return origin + performance.now();
}
