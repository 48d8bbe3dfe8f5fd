/**
 * Runs one break of ./breaks.ts on the running lab: apply it (vtysh on its router), wait for
 * what it says to wait for, judge each claim it must trip, then lift it and wait until those
 * claims hold again and the whole lab has re-converged. A claim that still passes under the
 * break fails the test as `gate missed <break>: <claim> still passes`; one that fails with
 * other sentences than expected fails it with the difference.
 */
import { expect } from 'vitest';
import * as intentChecks from '../../helpers/claims/intent-claims.js';
import * as jsonSubset from '../../helpers/claims/json-subset.js';
import * as sessionChecks from '../../helpers/claims/session-claims.js';
import * as vipRouteChecks from '../../helpers/claims/vip-route-claims.js';
import { convergenceProblem } from '../../helpers/claims/convergence.js';
import { Deadline, sleep, waitUntil } from '../../helpers/os/poll.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import type { Plan, Trip } from './breaks.js';

/** Each check of helpers/claims/ by its export's name (a check made by a factory has no name of its own). */
const CLAIM_NAMES = new Map<unknown, string>(
  Object.entries({ ...intentChecks, ...jsonSubset, ...sessionChecks, ...vipRouteChecks }).map(([name, f]) => [f, name]),
);

export function claimName(claim: Trip['claim']): string {
  return CLAIM_NAMES.get(claim) ?? (claim.name || 'an unnamed claim');
}

/** The break applied, judged, lifted; throws what went wrong (the judgement first, then the lifting). */
export async function runBreak(lab: LabHandle, name: string, plan: Plan): Promise<void> {
  const configure = async (lines: string[]) => {
    await lab.vtysh(plan.router, ['configure terminal', ...lines, 'end'].join('\n'));
    if (plan.refresh) await lab.vtysh(plan.router, plan.refresh);
  };
  let failure: Error | undefined;
  try {
    await configure(plan.apply);
    await judgeBroken(lab, name, plan);
  } catch (err) {
    failure = err as Error;
  }
  try {
    await configure(plan.lift);
    await waitUntil(async () => (await tripped(lab, plan.trips))[0] ?? convergenceProblem(lab), {
      what: `the lab to hold again after "${name}" was lifted`,
      deadline: new Deadline(30_000),
    });
  } catch (err) {
    if (!failure) throw err;
    failure.message += `\n(and lifting the break failed too: ${(err as Error).message})`;
  }
  if (failure) throw failure;
}

/** Judges the claims of a break that is applied: each must fail, with exactly the expected sentences. */
export async function judgeBroken(lab: LabHandle, name: string, plan: Plan): Promise<void> {
  const settled = await waitUntil(() => plan.settle.until(lab), {
    what: plan.settle.what,
    deadline: new Deadline(plan.settle.seconds * 1000),
  }).then(
    () => undefined,
    (err: unknown) => err,
  );
  const problems = await Promise.all(plan.trips.map((t) => t.judge(lab)));
  const missed = plan.trips.filter((_, i) => !problems[i]!.length);
  if (missed.length)
    throw new Error(missed.map((t) => `gate missed ${name}: ${claimName(t.claim)} still passes`).join('\n'));
  if (settled) throw settled;
  plan.trips.forEach((t, i) =>
    expect(problems[i], `${claimName(t.claim)} under "${name}"`).toEqual(
      t.messages.map((m) => expect.stringMatching(m)),
    ),
  );
  if (plan.staysSeconds) {
    const first = plan.trips[0]!;
    const window = new Deadline(plan.staysSeconds * 1000);
    while (window.remaining() > 0) {
      await sleep(Math.min(500, Math.max(window.remaining(), 1)));
      if (!(await first.judge(lab)).length)
        throw new Error(
          `${name}: ${claimName(first.claim)} passed again within ${plan.staysSeconds} s: the break did not hold`,
        );
    }
  }
}

/** What each claim that fails says, one line per claim. */
async function tripped(lab: LabHandle, trips: Trip[]): Promise<string[]> {
  const problems = await Promise.all(trips.map((t) => t.judge(lab)));
  return trips.flatMap((t, i) => (problems[i]!.length ? [`${claimName(t.claim)}: ${problems[i]!.join('; ')}`] : []));
}
