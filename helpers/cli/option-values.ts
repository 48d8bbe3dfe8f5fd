/**
 * Parsers for numeric option values. A value that is not the number the option takes is a
 * usage error (commander prints "option '--ratio <r>' argument 'abc' is invalid. …", exit 64),
 * never a NaN passed on: `Number('abc')` in the regression gate compared as "no regression".
 * Only plain decimal notation is taken: no '', ' ', '0x10', '1e3', 'Infinity'.
 */
import { InvalidArgumentError } from 'commander';

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
