/** The end of a test run: a failed run's lab state is dumped into the reports before the lab is removed (or kept). */
import { describe, expect, it } from 'vitest';
import { teardownLab, TEARDOWN_DUMP } from '../../helpers/lab/teardown.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { silentProgress } from '../../helpers/os/progress.js';

function fakes(opts: { dumpFails?: boolean } = {}) {
  const order: string[] = [];
  const lab = { model: { name: 'anycast' } } as unknown as LabHandle;
  const provider = { down: async () => void order.push('down') };
  const dump = async (_lab: LabHandle, dir: string) => {
    order.push(`dump ${dir}`);
    if (opts.dumpFails) throw new Error('node gone');
  };
  return { order, lab, provider, dump };
}

describe('global teardown', () => {
  it('a failed run: dump into the reports folder first, then down', async () => {
    const f = fakes();
    await teardownLab({ ...f, reports: '/r', failed: true, keep: false, progress: silentProgress });
    expect(f.order).toEqual([`dump /r/${TEARDOWN_DUMP}`, 'down']);
  });

  it('a passed run: down only', async () => {
    const f = fakes();
    await teardownLab({ ...f, reports: '/r', failed: false, keep: false, progress: silentProgress });
    expect(f.order).toEqual(['down']);
  });

  it('a dump that fails does not keep the lab up', async () => {
    const f = fakes({ dumpFails: true });
    await teardownLab({ ...f, reports: '/r', failed: true, keep: false, progress: silentProgress });
    expect(f.order).toEqual([`dump /r/${TEARDOWN_DUMP}`, 'down']);
  });

  it('ANYCAST_VERIFY_KEEP=1: dumped when failed, never removed', async () => {
    const f = fakes();
    await teardownLab({ ...f, reports: '/r', failed: true, keep: true, progress: silentProgress });
    expect(f.order).toEqual([`dump /r/${TEARDOWN_DUMP}`]);
  });
});
