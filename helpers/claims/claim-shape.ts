/**
 * The one shape of every claim in helpers/claims/: given the running lab and what is
 * expected, the problems found, each a sentence naming what was expected and what was found.
 * No problem means the claim holds. The suites assert `toEqual([])`; the breakage suite
 * breaks the lab and asserts the right claim returns the right sentence.
 */
import type { LabHandle } from '../providers/api/lab-handle.js';

/** One thing that is not as expected: what was expected and what was found, in one sentence. */
export type Problem = string;

export type Check<E> = (lab: LabHandle, expectation: E) => Promise<Problem[]>;

/**
 * A view of the lab that asks each vtysh command and each speaker query once and answers it
 * from then on with that first answer, so several checks, each of one aspect, judge one
 * consistent reading (and the routers are asked once, not once per aspect). Everything else
 * (exec: the kernel FIB) is read live.
 */
export function oneReading(lab: LabHandle): LabHandle {
  const answers = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    if (!answers.has(key)) answers.set(key, ask());
    return answers.get(key) as Promise<T>;
  };
  return new Proxy(lab, {
    get(target, prop) {
      if (prop === 'vtysh')
        return (router: string, command: string) =>
          once(`vtysh\0${router}\0${command}`, () => target.vtysh(router, command));
      if (prop === 'speakerPeers') return (node: string) => once(`speaker\0${node}`, () => target.speakerPeers(node));
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Several checks of one expectation as one, judged on one reading of the lab. */
export function allOf<E>(...checks: Check<E>[]): Check<E> {
  return async (lab, expectation) => {
    const view = oneReading(lab);
    return (await Promise.all(checks.map((check) => check(view, expectation)))).flat();
  };
}
