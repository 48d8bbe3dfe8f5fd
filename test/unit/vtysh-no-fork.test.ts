/**
 * vtysh's `--no-fork` exists from FRR 9.0 on; bookworm's FRR 8.4.4 refuses the whole command
 * line, which sent its routers no configuration at all until the netns start asked by version.
 */
import { describe, expect, it } from 'vitest';
import { vtyshHasNoFork } from '../../helpers/providers/netns/frr-router.js';

describe('vtysh --no-fork by FRR version', () => {
  it('is passed from 9.0 on, never to 8.x (Debian bookworm ships 8.4.4)', () => {
    expect(['8.4.4', '8.5.6', '9.0', '9.1.3', '10.3', '10.7.1'].map(vtyshHasNoFork)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});
