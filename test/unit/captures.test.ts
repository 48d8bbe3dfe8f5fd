/**
 * A capture is stopped only once what it matched has reached tcpdump: libpcap hands tcpdump its
 * packets a ring block at a time, at the latest when the block's timeout runs out (1 s when
 * tcpdump writes pcap, 100 ms when it prints with -l), and a stopped tcpdump leaves the rest
 * unread (measured: helpers/observe/captures.ts). Here a stand-in lab records when each tcpdump
 * is told to stop, and how it was started.
 */
import { describe, expect, it } from 'vitest';
import { startCaptures } from '../../helpers/observe/captures.js';
import type { LabHandle, SpawnOptions, SpawnedProcess } from '../../helpers/providers/api/lab-handle.js';

function standIn() {
  const started: { node: string; argv: string[]; opts?: SpawnOptions; stoppedAt?: number }[] = [];
  const lab = {
    spawn(node: string, argv: string[], opts?: SpawnOptions): SpawnedProcess {
      const rec: (typeof started)[number] = { node, argv, opts };
      started.push(rec);
      let end: (r: { stdout: string; stderr: string; exitCode: number }) => void = () => undefined;
      const done = new Promise<{ stdout: string; stderr: string; exitCode: number }>((res) => (end = res));
      const stderr = 'tcpdump: listening on any, link-type LINUX_SLL2\n';
      return {
        done,
        output: () => '',
        errorOutput: () => stderr,
        stop: () => {
          rec.stoppedAt = performance.now();
          end({ stdout: '', stderr: `${stderr}3 packets captured\n0 packets dropped by kernel\n`, exitCode: 0 });
        },
      };
    },
  } as unknown as LabHandle;
  return { lab, started };
}

describe('startCaptures', () => {
  it('writes pcap read as latin1, and goes on for libpcap’s 1 s block timeout after it is asked to stop', async () => {
    const { lab, started } = standIn();
    const c = startCaptures(lab, ['leaf1', 'spine'], 'icmp', { pcap: true, snaplen: 128 });
    await c.ready;
    expect(started.map((s) => [s.node, s.argv.slice(0, 6).join(' '), s.opts?.encoding])).toEqual([
      ['leaf1', 'tcpdump -i any -nn -w -', 'latin1'],
      ['spine', 'tcpdump -i any -nn -w -', 'latin1'],
    ]);
    const asked = performance.now();
    const { captured, gaps } = await c.stop();
    expect(started.every((s) => s.stoppedAt! - asked >= 1000)).toBe(true);
    expect([Object.fromEntries(captured), gaps]).toEqual([{ leaf1: 3, spine: 3 }, {}]);
  });

  it('prints text a line at a time (-l), 100 ms block timeout, when not asked for pcap', async () => {
    const { lab, started } = standIn();
    const c = startCaptures(lab, ['leaf1'], 'tcp port 179');
    await c.ready;
    expect(started[0]!.argv).toEqual(expect.arrayContaining(['-l', '-v', '-tt']));
    const asked = performance.now();
    await c.stop();
    expect(started[0]!.stoppedAt! - asked).toBeGreaterThanOrEqual(100);
    expect(started[0]!.stoppedAt! - asked).toBeLessThan(1000);
  });

  it('discards at once when the run needs nothing it holds, and a later stop reads every node as a gap', async () => {
    const { lab, started } = standIn();
    const c = startCaptures(lab, ['leaf1', 'spine'], 'icmp', { pcap: true });
    await c.ready;
    const asked = performance.now();
    await c.discard();
    // Not the 1 s block timeout: nothing is read, so nothing is waited for.
    expect(started.every((s) => s.stoppedAt! - asked < 500)).toBe(true);
    const after = await c.stop();
    expect([after.outputs.size, after.gaps]).toEqual([
      0,
      { leaf1: 'its capture was discarded unread', spine: 'its capture was discarded unread' },
    ]);
  });
});
