import { describe, expect, it } from 'vitest';
import { faultSpec } from '../../helpers/faults/budgets.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import { gobgpBehaviour } from '../../helpers/runtimes/gobgp-behaviour.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const peer = loadLabModel({ root: PROJECT_ROOT }).clusters.cluster01!.speakers.cluster01!.peers[0]!;
const gr = { holdSeconds: 9, gracefulRestart: true, nBit: true, restartSeconds: 15 };

describe('failover budgets follow the GoBGP version and the negotiated session', () => {
  it('a crashed speaker fails back after its start plus its first dial: [1,2) s on 3.36, [5,10) s on 3.10', () => {
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.seconds).toBe(1 + 2 + 1);
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.10.0')).failBack.seconds).toBe(1 + 10 + 1);
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('4.8.0')).failBack.formula).toMatch(/first dial ≤ 2 s/);
  });

  it('after a hold-timer fault: a hanging dial plus the longest retry wait, per version', () => {
    expect(faultSpec('silent-drop', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.seconds).toBe(4 + 10 + 1);
    expect(faultSpec('silent-drop', gr, peer, 2, gobgpBehaviour('4.8.0')).failBack.seconds).toBe(4 + 5 + 1);
  });

  it('with graceful restart the fabric may not move before the restart time (a crash) or hold − keepalive + restart (hold expiry)', () => {
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.36.0')).notBefore?.seconds).toBe(15);
    expect(faultSpec('node-link-down', gr, peer, 2, gobgpBehaviour('3.36.0')).notBefore?.seconds).toBe(9 - peer.keepaliveSeconds + 15);
    expect(faultSpec('speaker-crash', { ...gr, gracefulRestart: false }, peer, 2, gobgpBehaviour('3.36.0')).notBefore).toBeUndefined();
    expect(faultSpec('vip-withdrawn', gr, peer, 2, gobgpBehaviour('3.36.0')).notBefore).toBeUndefined();
  });
});

describe('timings with a random wait', () => {
  it('carry the width of that wait, so run-to-run jitter is not a regression', () => {
    expect(faultSpec('silent-drop', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.jitterSeconds).toBe(4 + 10);
    expect(faultSpec('speaker-crash', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.jitterSeconds).toBe(1);
    expect(faultSpec('node-link-down', gr, peer, 2, gobgpBehaviour('3.36.0')).detect.jitterSeconds).toBe(peer.keepaliveSeconds);
    expect(faultSpec('vip-withdrawn', gr, peer, 2, gobgpBehaviour('3.36.0')).failBack.jitterSeconds).toBeUndefined();
  });
});
