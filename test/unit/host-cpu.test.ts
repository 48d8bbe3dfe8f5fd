/** The host's CPU from /proc/stat: what counts as busy, and core-seconds between two readings. */
import { describe, expect, it } from 'vitest';
import { busyCoreSeconds, hostCpuTicks } from '../../helpers/os/host-cpu.mjs';

// user nice system idle iowait irq softirq steal guest guest_nice
const stat = (user: number, idle: number, iowait: number, softirq: number) =>
  `cpu  ${user} 0 100 ${idle} ${iowait} 0 ${softirq} 0 ${user} 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n`;

describe('hostCpuTicks', () => {
  it('counts user, system, irq, softirq and steal as busy; idle and iowait not; guest time once (it is in user)', () => {
    expect(hostCpuTicks(stat(1000, 5000, 300, 50))).toEqual({ busy: 1150, total: 6450 });
  });

  it('core-seconds between two readings, in USER_HZ ticks', () => {
    const a = hostCpuTicks(stat(1000, 5000, 300, 50));
    const b = hostCpuTicks(stat(18_000, 6000, 400, 2050));
    expect(busyCoreSeconds(a, b)).toBe(190);
  });

  it('reads this host', () => {
    const now = hostCpuTicks();
    expect(now.total).toBeGreaterThan(now.busy);
    expect(now.busy).toBeGreaterThan(0);
  });
});
