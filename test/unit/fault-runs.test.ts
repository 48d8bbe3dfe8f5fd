/**
 * Which faults suite 4 runs once for both its fresh-connection and its established-connection
 * claims (suites/fault-runs.ts runShares), and that each view of a run hands its findings only
 * what the run watched: a run that did not watch a kind of connection gives no view of it,
 * never an empty one that would judge as "nothing broke".
 */
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, faultKindsOf, type FaultKind } from '../../helpers/providers/api/fault-kinds.js';
import { freshView, heldView, runShares, type SharedTimeline } from '../../suites/fault-runs.js';

describe('runShares', () => {
  it('shares every fault the held connections watch: the budgets start at its effect, not at the command the shared load slows', () => {
    const shared = (Object.keys(FAULT_KINDS) as FaultKind[]).filter(runShares);
    expect(shared).toEqual(faultKindsOf('held-connections'));
    // The seed's catalogue: the long hold-timer wait is the one saved; speaker-crash is not watched by held connections.
    expect(shared).toContain('node-link-down');
    expect(runShares('speaker-crash')).toBe(false);
  });
});

describe('the views of a run', () => {
  const timeline = (observed: SharedTimeline['observed']) => ({ observed }) as unknown as SharedTimeline;
  const fresh = { probes: {}, trail: { packets: [], gaps: {} }, bgp: {} } as unknown as SharedTimeline['observed'];
  const held = { held: { conns: [] } } as unknown as SharedTimeline['observed'];

  it('gives the fresh-connection view only of a run that watched the probes, the trail and BGP', () => {
    expect(freshView(timeline(fresh))?.observed).toEqual(fresh);
    expect(freshView(timeline(held))).toBeUndefined();
    expect(freshView(timeline({ ...fresh, trail: undefined }))).toBeUndefined();
  });

  it('gives the held-connection view only of a run that watched them', () => {
    expect(heldView(timeline(held))?.observed).toEqual(held);
    expect(heldView(timeline(fresh))).toBeUndefined();
    expect(heldView(timeline({ ...fresh, ...held }))?.observed).toEqual(held);
  });
});
