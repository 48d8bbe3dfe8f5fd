/** The reusable workflow (verify.yml), by which another repository runs anycast-verify on its own lab. */
import { describe, expect, it } from 'vitest';
import { stepIndex, workflow } from '../support/workflows.js';

describe('the reusable workflow (verify.yml): another repository runs anycast-verify on its own lab', () => {
  const verify = workflow('verify.yml');
  type Input = { type: string; required?: boolean; default?: unknown; description?: string };
  const inputs = (verify.on.workflow_call as { inputs: Record<string, Input> }).inputs;
  const steps = verify.jobs.verify!.steps!;
  const run = (name: string) => steps[stepIndex(steps, name)]!.run!;

  it('is called only (workflow_call), with described inputs: lab folder, runtime, Node.js, which anycast-verify', () => {
    expect(Object.keys(verify.on)).toEqual(['workflow_call']);
    for (const k of ['lab-dir', 'runtime', 'node-version', 'anycast-verify-repository', 'anycast-verify-ref'])
      expect(inputs[k], k).toMatchObject({ type: 'string', description: expect.any(String) });
    expect(inputs['lab-dir']!.default).toBe('.');
    expect(inputs.runtime!.default).toBe('trixie');
    for (const i of Object.values(inputs)) expect(i.required ?? false).toBe(false);
  });

  it('checks out the caller (the lab) and anycast-verify at the ref asked for, then runs setup.sh', () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((s) => s.with?.path)).toEqual(['lab-repo', 'anycast-verify']);
    expect(checkouts[1]!.with).toMatchObject({
      repository: '${{ inputs.anycast-verify-repository || github.repository }}',
      ref: '${{ inputs.anycast-verify-ref }}',
    });
    expect(verify.jobs.verify!.env?.LAB ?? '').toBe('${{ github.workspace }}/lab-repo/${{ inputs.lab-dir }}');
    expect(run('Install (apt + npm ci + upstream schemas + the runtime)')).toContain('scripts/setup.sh');
  });

  it('in order: check -C <lab>, the lab suites on that folder, upload of the reports folder (always)', () => {
    const [check, suites, upload] = ["Check the lab's files", 'Lab suites', 'Upload reports'].map((n) =>
      stepIndex(steps, n),
    );
    expect(check).toBeLessThan(suites!);
    expect(suites).toBeLessThan(upload!);
    expect(run("Check the lab's files")).toBe('npx anycast-verify check -C "$LAB"');
    expect(run('Lab suites')).toMatch(/ANYCAST_VERIFY_DIR="\$LAB" npx vitest run --project lab$/);
    expect(steps[upload!]).toMatchObject({ if: 'always()', with: { path: 'anycast-verify/reports/' } });
  });

  it('ci.yml calls it on the seed lab, with inputs it declares', () => {
    const calls = Object.entries(workflow('ci.yml').jobs).filter(
      ([, j]) => j.uses === './.github/workflows/verify.yml',
    );
    expect(calls.map(([n]) => n)).toEqual(['reusable']);
    for (const [, j] of calls) for (const k of Object.keys(j.with ?? {})) expect(Object.keys(inputs)).toContain(k);
  });
});
