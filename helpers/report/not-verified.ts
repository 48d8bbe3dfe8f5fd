/**
 * "Not verified": a claim whose evidence could not be gathered on this run (no intent.yaml
 * declares it, the upstream schemas are absent, a tool needs root). It is neither a pass nor
 * a failure of the network: the test stops through vitest's `ctx.skip(note)` with a note that
 * starts with NOT_VERIFIED and says why and how to get the evidence, and the report lists it
 * by name under "Not verified". A plain skip (no such note) stays a skip.
 */
import type { TestContext } from 'vitest';
import { UnsupportedFaultError } from '../providers/api/fault-kinds.js';

export const NOT_VERIFIED = 'not verified: ';

/** Stops the test as "not verified", with the reason and the way to verify it. */
export function notVerified(ctx: Pick<TestContext, 'skip'>, why: string): never {
  ctx.skip(`${NOT_VERIFIED}${why}`);
  // ctx.skip throws; this line only tells TypeScript the test ends here.
  throw new Error(`${NOT_VERIFIED}${why}`);
}

/** The reason of a not-verified test, from its skip note; undefined for anything else. */
export function notVerifiedReason(note: string | undefined): string | undefined {
  return note?.startsWith(NOT_VERIFIED) ? note.slice(NOT_VERIFIED.length) : undefined;
}

/** A catch handler: a fault kind this provider does not build is not verified (named); anything else is rethrown. */
export function notVerifiedUnsupported(ctx: Pick<TestContext, 'skip'>): (err: unknown) => never {
  return (err) => {
    if (err instanceof UnsupportedFaultError) notVerified(ctx, err.message);
    throw err;
  };
}
