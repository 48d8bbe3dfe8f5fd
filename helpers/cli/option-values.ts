/**
 * Parsers for numeric option values. A value that is not the number the option takes is a
 * usage error (commander prints "option '--ratio <r>' argument 'abc' is invalid. …", exit 64),
 * never a NaN passed on: `Number('abc')` in the regression gate compared as "no regression".
 * Only plain decimal notation is taken: no '', ' ', '0x10', '1e3', 'Infinity'.
 */
import { InvalidArgumentError, Option } from 'commander';
import { RUNTIME_SUITES } from '../runtimes/catalog.js';

const INTEGER = /^[0-9]+$/;
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

/** A whole number from `min` to `max`. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!INTEGER.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected a whole number ≥ ${min}`
          : `expected a whole number from ${min} to ${max}`,
      );
    return n;
  };
}

/** A number ≥ 0, decimals allowed (a ratio, seconds). */
export function nonNegativeNumber(v: string): number {
  if (!DECIMAL.test(v.trim())) throw new InvalidArgumentError('expected a number ≥ 0 (e.g. 0.25)');
  return Number(v);
}

/** `--runtime <suite>` (netns), one of the known runtimes, or ANYCAST_VERIFY_RUNTIME: `up` and `test` take the same. */
export const runtimeOption = () =>
  new Option(
    '--runtime <suite>',
    'netns: run FRR and GoBGP from this runtime (see `runtimes`; default: closest to versions.env)',
  )
    .choices(RUNTIME_SUITES)
    .env('ANYCAST_VERIFY_RUNTIME');

/** `--runtime-of <node=suite,…>` (netns, mixed versions), or ANYCAST_VERIFY_RUNTIME_OF: `up` and `test` take the same. */
export const runtimeOfOption = () =>
  new Option(
    '--runtime-of <node=runtime,...>',
    'netns, mixed versions: these routers (FRR) and Kubernetes nodes (GoBGP) run from another runtime, e.g. spine=sid',
  ).env('ANYCAST_VERIFY_RUNTIME_OF');
