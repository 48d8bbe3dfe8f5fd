/** How many scenario labs a run brings up: the option when given (checked), else what the host carries. */
import { describe, expect, it } from 'vitest';
import { LAB_COPY_MIB, scenarioLabCount } from '../../helpers/lab/scenario-labs.js';

const host = { cores: 2, freeMiB: 22_000 };

describe('scenarioLabCount', () => {
  it('takes ANYCAST_VERIFY_SCENARIO_LABS as given, 0 included', () => {
    expect(scenarioLabCount('netns', { ANYCAST_VERIFY_SCENARIO_LABS: '3' }, host)).toBe(3);
    expect(scenarioLabCount('netns', { ANYCAST_VERIFY_SCENARIO_LABS: '0' }, host)).toBe(0);
  });

  it.each(['-1', '1.5', 'two'])('refuses ANYCAST_VERIFY_SCENARIO_LABS=%s by name', (raw) => {
    expect(() => scenarioLabCount('netns', { ANYCAST_VERIFY_SCENARIO_LABS: raw }, host)).toThrow(
      `ANYCAST_VERIFY_SCENARIO_LABS: expected a whole number >= 0, got "${raw}"`,
    );
  });

  it('refuses copies on a provider that cannot run one, and defaults to none there', () => {
    expect(() => scenarioLabCount('containerlab', { ANYCAST_VERIFY_SCENARIO_LABS: '2' }, host)).toThrow(
      /containerlab provider cannot run a copy/,
    );
    expect(scenarioLabCount('containerlab', {}, host)).toBe(0);
  });

  it("defaults to one lab per core (the run's own included), fewer when memory is short", () => {
    expect(scenarioLabCount('netns', {}, host)).toBe(1);
    expect(scenarioLabCount('netns', {}, { cores: 1, freeMiB: 22_000 })).toBe(0);
    expect(scenarioLabCount('netns', {}, { cores: 4, freeMiB: 22_000 })).toBe(3);
    expect(scenarioLabCount('netns', {}, { cores: 8, freeMiB: 22_000 })).toBe(7);
    expect(scenarioLabCount('netns', {}, { cores: 8, freeMiB: 3 * LAB_COPY_MIB })).toBe(2);
  });
});
