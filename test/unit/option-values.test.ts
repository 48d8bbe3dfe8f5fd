/** The CLI's numeric option values: whole numbers (in a range) and non-negative numbers, refused as usage errors otherwise. */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integerOption, nonNegativeNumber } from '../../helpers/cli/option-values.js';

describe('numeric option values', () => {
  it.each(['0', '7', ' 12 '])('integerOption(0) takes %j', (v) => expect(integerOption(0)(v)).toBe(Number(v)));
  it.each(['', ' ', '-1', '1.5', '1e3', '0x10', 'Infinity', 'NaN', '9007199254740993'])(
    'integerOption(0) refuses %j',
    (v) => expect(() => integerOption(0)(v)).toThrow(InvalidArgumentError),
  );
  it('integerOption with a range names it', () => expect(() => integerOption(1, 8)('9')).toThrow(/from 1 to 8/));
  it.each(['0', '0.25', '.5', '3.', '2'])('nonNegativeNumber takes %j', (v) =>
    expect(nonNegativeNumber(v)).toBe(Number(v)),
  );
  it.each(['abc', '', '-0.1', '1e3', 'Infinity', '0,25'])('nonNegativeNumber refuses %j', (v) =>
    expect(() => nonNegativeNumber(v)).toThrow(InvalidArgumentError),
  );
});
