/** How many scenario labs a run brings up: the option when given (checked), else what the host carries. */
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { busyElsewhere, decideScenarioLabs, LAB_COPY_MIB, scenarioLabCount } from '../../helpers/lab/scenario-labs.js';

const idle = { cores: 2, freeMiB: 22_000, busyElsewhere: 0.05 };
const host = () => idle;
const at = (h: Partial<typeof idle>) => () => ({ ...idle, ...h });

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

  it("defaults to one lab per 2 free cores (the run's own included), one on 2 or 3, fewer when memory is short", () => {
    expect(scenarioLabCount('netns', {}, host)).toBe(0);
    expect(scenarioLabCount('netns', {}, at({ cores: 3 }))).toBe(0);
    expect(scenarioLabCount('netns', {}, at({ cores: 4 }))).toBe(1);
    expect(scenarioLabCount('netns', {}, at({ cores: 8 }))).toBe(3);
    expect(scenarioLabCount('netns', {}, at({ cores: 8, freeMiB: 3 * LAB_COPY_MIB }))).toBe(2);
    expect(scenarioLabCount('netns', {}, at({ cores: 4, freeMiB: LAB_COPY_MIB }))).toBe(0);
    // A core kept busy by another process (scripts/flake-loop.sh) takes a lab's share.
    expect(scenarioLabCount('netns', {}, at({ busyElsewhere: 1.02 }))).toBe(0);
    expect(scenarioLabCount('netns', {}, at({ cores: 4, busyElsewhere: 1.02 }))).toBe(0);
    expect(scenarioLabCount('netns', {}, at({ cores: 4, busyElsewhere: 2.1 }))).toBe(0);
    expect(scenarioLabCount('netns', {}, at({ cores: 5, busyElsewhere: 1.02 }))).toBe(1);
    expect(scenarioLabCount('netns', {}, at({ cores: 4, busyElsewhere: 3.2 }))).toBe(0);
    expect(scenarioLabCount('netns', {}, at({ cores: 8, busyElsewhere: 1.4 }))).toBe(2);
  });

  it("decides once: the variable as given, else the host now, written back for the run's other processes", () => {
    const env: NodeJS.ProcessEnv = {};
    expect(decideScenarioLabs('netns', env, at({ cores: 4 }))).toEqual({
      copies: 1,
      why: '4 cores, 0.1 of them busy elsewhere, 21.5 GiB free',
    });
    expect(env.ANYCAST_VERIFY_SCENARIO_LABS).toBe('1');
    // The next process of the run reads the choice, whatever the host does meanwhile.
    expect(decideScenarioLabs('netns', env, at({ busyElsewhere: 2 })).copies).toBe(1);
    expect(decideScenarioLabs('netns', { ANYCAST_VERIFY_SCENARIO_LABS: '0' }, host)).toEqual({
      copies: 0,
      why: 'as asked',
    });
    expect(decideScenarioLabs('containerlab', {}, host)).toMatchObject({ copies: 0, why: /cannot run a copy/ });
    // A reused lab brings nothing else up, whatever was asked: its files must not run side by side.
    const reused: NodeJS.ProcessEnv = { ANYCAST_VERIFY_REUSE: '1', ANYCAST_VERIFY_SCENARIO_LABS: '2' };
    expect(decideScenarioLabs('netns', reused, at({ cores: 8 })).copies).toBe(0);
    expect(reused.ANYCAST_VERIFY_SCENARIO_LABS).toBe('0');
  });

  it('measures the CPU others spend, not its own', () => {
    const t0 = performance.now();
    const busy = busyElsewhere(100);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(99);
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(availableParallelism());
  });
});
