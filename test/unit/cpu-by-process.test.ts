/** scripts/cpu-by-process.mjs: the command's exit code, and the CPU its tree spent, counted. */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const SCRIPT = join(PROJECT_ROOT, 'scripts', 'cpu-by-process.mjs');

describe('cpu-by-process', () => {
  it("counts the command's own CPU in its tree and passes its exit code on", async () => {
    // The child spins until it has used 300 ms of CPU itself, then exits 3.
    const spin =
      'const c0=process.cpuUsage();while(true){const c=process.cpuUsage(c0);if(c.user+c.system>=3e5)break}process.exit(3)';
    const r = await execa(process.execPath, [SCRIPT, '--', process.execPath, '-e', spin], { reject: false });
    expect(r.exitCode).toBe(3);
    const tree = Number(/descendants it waited for: ([\d.]+) core-s/.exec(r.stdout)?.[1]);
    expect(tree).toBeGreaterThanOrEqual(0.29);
    expect(r.stdout).toMatch(/the host busy [\d.]+ core-s/);
  });

  it('without a command: usage, exit 2', async () => {
    const r = await execa(process.execPath, [SCRIPT], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^usage:/);
  });
});
