import { describe, expect, it } from 'vitest';
import { chooseRuntime, gobgpForCilium, RuntimeChoiceError } from '../../helpers/runtimes/catalog.js';
import { gobgpBehaviour } from '../../helpers/runtimes/gobgp-behaviour.js';
import { parseVersion, upstreamVersion } from '../../helpers/runtimes/versions.js';
import { daemonsFileFor } from '../../helpers/providers/netns/frr-router.js';
import { inRuntime } from '../../helpers/runtimes/in-runtime.js';

describe('choosing the runtime that stands for the pins', () => {
  it('Cilium 1.18 (GoBGP 3.37) with FRR 10.5 → trixie (GoBGP 3.36, FRR 10.3): same GoBGP major, nearest minor', () => {
    const c = chooseRuntime({ frr: '10.5.1', cilium: '1.18.14' });
    expect(c.suite).toBe('trixie');
    expect(c.requested).toMatchObject({ frr: '10.5.1', cilium: '1.18.14', gobgp: '3.37.0' });
  });

  it('Cilium 1.20 (GoBGP v4) → sid, whatever the FRR pin: a v3 speaker cannot stand for v4', () => {
    expect(chooseRuntime({ frr: '8.4.4', cilium: '1.20.0' }).suite).toBe('sid');
  });

  it('an override wins, an unknown runtime or Cilium line is refused by name', () => {
    expect(chooseRuntime({ frr: '10.5.1', cilium: '1.18.14' }, 'bookworm').suite).toBe('bookworm');
    expect(() => chooseRuntime({ frr: '10.5.1', cilium: '1.18.14' }, 'jessie')).toThrow(
      /unknown runtime "jessie".*bookworm, trixie, sid/,
    );
    expect(() => gobgpForCilium('1.15.3')).toThrow(RuntimeChoiceError);
    expect(() => gobgpForCilium('1.15.3')).toThrow(/CILIUM_VERSION 1.15.3.*Cilium 1.15/);
  });

  it('reads Debian and tag version strings', () => {
    expect(parseVersion('10.3-3+deb13u1')).toEqual([10, 3, 0]);
    expect(parseVersion('v1.18.14')).toEqual([1, 18, 14]);
    expect(upstreamVersion('1:3.36.0-1+b2')).toBe('3.36.0');
  });
});

describe('GoBGP numbers per version (osrg/gobgp pkg/server/fsm.go at each tag)', () => {
  it('3.10: first dial [5,10) s whatever connectRetry says; IdleHoldTimeAfterReset dropped; no Hard Reset on Cease', () => {
    const b = gobgpBehaviour('3.10.0');
    expect(b.firstDial(5)).toMatchObject({ min: 5, max: 10 });
    expect(b.retry(5)).toMatchObject({ min: 5, max: 10 });
    expect(b.dialTimeout(5)).toBe(4);
    expect(b.idleHoldAfterReset.honoured).toBe(false);
    expect(b.ceaseIsHardReset).toBe(false);
  });

  it('3.36/3.37 (Cilium 1.18): first dial [1,2) s; retries [T,2T) of T = max(connectRetry, 1)', () => {
    for (const v of ['3.36.0', '3.37.0']) {
      const b = gobgpBehaviour(v);
      expect(b.firstDial(5)).toMatchObject({ min: 1, max: 2 });
      expect(b.retry(5)).toMatchObject({ min: 5, max: 10 });
      expect(b.retry(0)).toMatchObject({ min: 1, max: 2 });
      expect(b.idleHoldAfterReset.honoured).toBe(true);
      expect(b.ceaseIsHardReset).toBe(true);
    }
  });

  it('v4 (Cilium 1.20): first dial [1.5,2) s, retries [0.75·T, T) of T = max(connectRetry, 2)', () => {
    const b = gobgpBehaviour('4.8.0');
    expect(b.firstDial(5)).toMatchObject({ min: 1.5, max: 2 });
    expect(b.retry(5)).toMatchObject({ min: 3.75, max: 5 });
    expect(b.retry(1)).toMatchObject({ min: 1.5, max: 2 });
    expect(b.dialTimeout(5)).toBe(4);
  });

  it('names its source for every number', () => {
    for (const v of ['3.10.0', '3.36.0', '4.8.0'])
      for (const s of Object.values(gobgpBehaviour(v).sources)) expect(s).toMatch(/\.go:\d+|[0-9a-f]{8}/);
  });
});

describe('running FRR and node commands from a runtime', () => {
  it("keeps the topology's daemons file and adds one log file per daemon", () => {
    const out = daemonsFileFor('bgpd=yes\nzebra_options="  -A 127.0.0.1 -s 90000000"\n', '/run/lab/leaf1');
    expect(out.startsWith('bgpd=yes\nzebra_options="  -A 127.0.0.1 -s 90000000"\n')).toBe(true);
    expect(out).toContain('bgpd_options="$bgpd_options --log file:/run/lab/leaf1/bgpd.log"');
    expect(out).toContain('zebra_options="$zebra_options --log file:/run/lab/leaf1/zebra.log"');
  });

  it('enters the namespace, then chroots into the runtime; a hostname gets its own UTS namespace', () => {
    const argv = inRuntime('av-x-leaf1', '/rt/trixie/root', ['vtysh', '-c', 'show version']);
    expect(argv.slice(0, 4)).toEqual(['ip', 'netns', 'exec', 'av-x-leaf1']);
    expect(argv.slice(-3)).toEqual(['vtysh', '-c', 'show version']);
    expect(argv).toContain('/rt/trixie/root');
    // The runtime's own PATH inside: the host's says nothing about the runtime's tree.
    expect(argv.join(' ')).toMatch(
      /export PATH=\/usr\/local\/sbin:[^ ]*:\/usr\/sbin:[^ ]*\nexec chroot "\$root" "\$@"/,
    );
    expect(inRuntime('ns', '/r', ['gobgpd'], { hostname: 'cluster01' }).slice(4, 7)).toEqual([
      'unshare',
      '--uts',
      '--',
    ]);
  });
});
