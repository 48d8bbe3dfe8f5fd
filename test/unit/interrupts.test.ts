/**
 * The one Ctrl-C policy (helpers/os/interrupts.ts), driven by emitting the signal events
 * on this process (the listeners run, no signal is sent) with process.exit stubbed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Interrupts } from '../../helpers/os/interrupts.js';
import type { Progress } from '../../helpers/os/progress.js';

function recorder(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m: string) => void lines.push(m), step: async (_t, fn) => fn() } as Progress & {
    lines: string[];
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

let made: Interrupts | undefined;
afterEach(() => {
  made?.dispose();
  made = undefined;
  vi.restoreAllMocks();
});

function exitStub() {
  return vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
}

describe('Ctrl-C and SIGTERM', () => {
  it('the first signal aborts the step and sets the exit code; nothing exits yet', () => {
    const exit = exitStub();
    const progress = recorder();
    made = new Interrupts({ progress, what: 'the bring-up', then: 'removing what was made' });
    expect(made.signal.aborted).toBe(false);
    process.emit('SIGINT', 'SIGINT');
    expect(made.signal.aborted).toBe(true);
    expect(made.exitCode).toBe(130);
    expect(progress.lines).toEqual(['SIGINT: stopping the bring-up; removing what was made']);
    expect(exit).not.toHaveBeenCalled();
  });

  it("a second signal without anything to force is ignored: the first one's clean-up finishes", async () => {
    const exit = exitStub();
    made = new Interrupts({ progress: recorder(), what: 'the build', then: 'nothing half-built is kept' });
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    await settle();
    expect(made.exitCode).toBe(143);
    expect(exit).not.toHaveBeenCalled();
  });

  it('a second signal runs `force` and then exits with its code', async () => {
    const exit = exitStub();
    const force = vi.fn(async () => undefined);
    made = new Interrupts({ progress: recorder(), what: 'the bring-up', then: 'removing what was made', force });
    process.emit('SIGINT', 'SIGINT');
    expect(force).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    await settle();
    expect(force).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('after `afterwards`, any signal runs the clean-up and exits, even if the clean-up fails', async () => {
    const exit = exitStub();
    const cleanup = vi.fn(async () => {
      throw new Error('down failed');
    });
    made = new Interrupts({ progress: recorder(), what: 'the bring-up', then: 'removing the lab' });
    made.afterwards(cleanup);
    process.emit('SIGTERM', 'SIGTERM');
    await settle();
    await settle();
    expect(cleanup).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledWith(143);
  });

  it('dispose removes its handlers', () => {
    const before = process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const i = new Interrupts({ progress: recorder(), what: 'x', then: 'y' });
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(before + 2);
    i.dispose();
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(before);
  });
});
