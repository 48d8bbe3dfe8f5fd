import { describe, expect, it } from 'vitest';
import { CILIUM_IDLE_HOLD_AFTER_RESET_SECONDS, gobgpConfig } from '../../helpers/providers/netns/gobgp-config.js';
import { gobgpBehaviour } from '../../helpers/runtimes/gobgp-behaviour.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

/** A value deep inside the generated config (plain JSON), by keys and indexes. */
const dig = (v: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], v);

describe("the emulated Cilium node's GoBGP config", () => {
  const intent = loadLabModel({ root: PROJECT_ROOT }).clusters.cluster01!.speakers.cluster01!;
  const cfg = gobgpConfig(intent, gobgpBehaviour('3.36.0'));

  it('never listens (Cilium only dials out) and uses the node IP as router-id', () => {
    expect(dig(cfg, 'global', 'config')).toEqual({ as: 65101, 'router-id': '192.168.49.2', port: -1 });
  });

  it('imports nothing but local routes and exports only the selected VIP /32 to its peer', () => {
    expect(dig(cfg, 'global', 'apply-policy', 'config')).toMatchObject({
      'default-import-policy': 'reject-route',
      'default-export-policy': 'reject-route',
      'import-policy-list': ['allow-local'],
    });
    expect(dig(cfg, 'defined-sets', 'prefix-sets')).toEqual([
      {
        'prefix-set-name': 'leaf2-vips',
        'prefix-list': [{ 'ip-prefix': '172.30.0.10/32', 'masklength-range': '32..32' }],
      },
    ]);
    expect(dig(cfg, 'defined-sets', 'neighbor-sets')).toEqual([
      { 'neighbor-set-name': 'leaf2-peer', 'neighbor-info-list': ['192.168.49.101/32'] },
    ]);
  });

  it('carries timers, MD5 and graceful restart per address family (or GR is not negotiated)', () => {
    const n = dig(cfg, 'neighbors', 0) as Record<string, unknown>;
    expect(n.config).toMatchObject({
      'neighbor-address': '192.168.49.101',
      'peer-as': 65002,
      'auth-password': expect.any(String),
    });
    expect(dig(n, 'timers', 'config')).toMatchObject({ 'connect-retry': 5, 'hold-time': 9, 'keepalive-interval': 3 });
    expect(dig(n, 'graceful-restart', 'config')).toEqual({
      enabled: true,
      'restart-time': 15,
      'notification-enabled': true,
    });
    expect(n['afi-safis']).toEqual([
      {
        config: { 'afi-safi-name': 'ipv4-unicast', enabled: true },
        'mp-graceful-restart': { config: { enabled: true } },
      },
    ]);
  });

  it('sets idle-hold-time-after-reset as Cilium does where the GoBGP reads it (>= 3.15), and leaves it out where it is dropped (3.10)', () => {
    expect(dig(cfg, 'neighbors', 0, 'timers', 'config', 'idle-hold-time-after-reset')).toBe(
      CILIUM_IDLE_HOLD_AFTER_RESET_SECONDS,
    );
    const old = gobgpConfig(intent, gobgpBehaviour('3.10.0'));
    expect(dig(old, 'neighbors', 0, 'timers', 'config')).not.toHaveProperty('idle-hold-time-after-reset');
  });
});
