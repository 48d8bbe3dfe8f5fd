/**
 * A fault starts from a steady baseline: every probe's last 20 completed requests answered, not
 * merely 20 answers so far (a lab whose echo pod lags must not have its late answers counted as
 * losses before the fault).
 */
import { describe, expect, it } from 'vitest';
import { unsteady } from '../../helpers/experiment/probe-observer.js';

const ok = (n: number) => Array.from({ length: n }, () => ({ ok: true }));
const failed = (n: number) => Array.from({ length: n }, () => ({ ok: false }));

describe('the probe baseline', () => {
  it('is steady once the last 20 completed requests were all answered', () => {
    expect(unsteady('client', ok(20))).toBeUndefined();
    expect(unsteady('client', [...failed(30), ...ok(20)])).toBeUndefined();
  });
  it('is not, while fewer than 20 completed or any of the last 20 failed, and says which', () => {
    expect(unsteady('client', ok(19))).toBe('client: 19 requests completed, 20 wanted');
    expect(unsteady('client02', [...ok(40), ...failed(3), ...ok(17)])).toBe(
      'client02: 3 of its last 20 requests failed',
    );
    // 20 answers in all is not enough when the latest failed (the count the baseline used to take).
    expect(unsteady('client', [...ok(20), ...failed(1)])).toBe('client: 1 of its last 20 requests failed');
  });
});
