// Epoch milliseconds with sub-millisecond resolution, on the same clock as the kernel's packet and
// route stamps (tcpdump -tt, ip -ts: CLOCK_REALTIME). `performance.timeOrigin + performance.now()`
// is not that clock: Node reads the wall clock and its monotonic clock once at start, and a
// process preempted between the two reads keeps the gap as an offset for its whole life. Measured
// 2026-12-03 on a loaded 2-core host: 2 of 40 processes were off by 68 and 79 ms, enough to put a
// probe's SYNs outside the packet trail's window ("not captured anywhere"). Calibrated here
// instead: Date.now() (the wall clock, truncated to the ms) minus performance.now(), the largest of
// several adjacent reads (a preemption between two reads only makes the difference smaller), so
// the origin is within 1 ms of the wall clock's.
//
// The wall clock can also move under a running process, and then a fixed origin is wrong for the
// rest of its life. Measured 2026-12-04 on the 2-core test host (a KVM guest, kvm-clock): in one
// fault run of ten the wall clock jumped 2.29 s ahead of the monotonic clock; every kernel stamp
// after it lay 2.29 s later than the tool's, the restore seemed to come before the move, and three
// faults failed their fail-back (docs/failover.md, "When the host's clock steps"). So the clock is
// checked against Date.now() on every read and every 100 ms: a drift a clock correction could make
// by slewing since the last check is followed silently (the kernel slews at most by its tick
// adjustment, ±10 % of a tick, plus 500 ppm of frequency: kernel/time/timekeeping.c
// timekeeping_validate_timex and MAXFREQ), anything larger is a step: followed too, and recorded
// (clockSteps) so that a timeline spanning it can say its times are not one clock.
// Plain JavaScript: the probe and held-connections scripts import it inside namespaces.
const SAMPLES = 20;
/** The fastest the kernel lets the wall clock be slewed, ms per ms (see above). */
const MAX_SLEW = 0.1 + 500e-6;
/** Date.now() is truncated to the ms: a calibrated origin reads within this of it. */
const TRUNCATION_MS = 1;
const CHECK_EVERY_MS = 100;

/** A clock over `wall` (epoch ms, ms resolution) and `mono` (ms, sub-ms, monotonic); exported for tests. */
export function makeEpochClock(wall = () => Date.now(), mono = () => performance.now()) {
  const calibrate = () => {
    let best = -Infinity;
    for (let i = 0; i < SAMPLES; i++) best = Math.max(best, wall() - mono());
    return best;
  };
  let origin = calibrate();
  let lastCheck = mono();
  const steps = [];
  const check = () => {
    const m = mono();
    const drift = wall() - (origin + m);
    if (drift <= TRUNCATION_MS / 2 && drift >= -TRUNCATION_MS * 1.5) {
      lastCheck = m;
      return;
    }
    // One pair of reads can be split by a preemption (the drift then looks negative): only the
    // calibration, the best of many adjacent pairs, says whether the clock itself moved.
    const fresh = calibrate();
    const byMs = fresh - origin;
    if (Math.abs(byMs) <= TRUNCATION_MS) return;
    const slew = MAX_SLEW * (m - lastCheck);
    lastCheck = m;
    if (Math.abs(byMs) > slew + 2 * TRUNCATION_MS) steps.push({ t: fresh + mono(), byMs });
    origin = fresh;
  };
  return {
    now() {
      check();
      return origin + mono();
    },
    check,
    /** The steps seen at or after epoch ms `since`: when (epoch ms, after the step) and by how much. */
    steps(since = -Infinity) {
      return steps.filter((s) => s.t >= since);
    },
  };
}

const clock = makeEpochClock();
setInterval(clock.check, CHECK_EVERY_MS).unref?.();

/** Epoch ms now, on the wall clock the kernel stamps packets and routes with. */
export function epochNow() {
  return clock.now();
}

/** The wall clock's steps this process saw at or after epoch ms `since` (see above). */
export function clockSteps(since) {
  clock.check();
  return clock.steps(since);
}
