import { describe, expect, it } from 'vitest';
import { grSettleProblem } from '../../helpers/faults/negotiated.js';
import { labSessions } from '../../helpers/model/lab-sessions.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle } from '../../helpers/providers/api/lab-handle.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const session = labSessions(model).find((s) => s.b.node === 'cluster01')!;

/** A handle whose leaf answers `show bgp neighbors json` with the given GR block for the node (FRR 10.3's shape). */
function leafSays(gracefulRestartInfo: unknown, bgpState = 'Established'): LabHandle {
  const json = JSON.stringify({
    [session.b.address]: { bgpState, remoteAs: 65101, localAs: 65002, gracefulRestartInfo },
  });
  return { model, vtysh: async () => json } as unknown as LabHandle;
}
const eor = (send: boolean, recv: boolean) => ({
  remoteGrMode: 'Restart',
  ipv4Unicast: { endOfRibStatus: { endOfRibSend: send, endOfRibRecv: recv } },
});

describe('a re-established session is settled once End-of-RIB went both ways', () => {
  it('not yet while the leaf has not sent its End-of-RIB (its update-group coalesce time after the reconnect)', async () => {
    expect(await grSettleProblem(leafSays(eor(false, true)), session)).toMatch(
      /leaf2 ↔ cluster01 ipv4Unicast: End-of-RIB sent false, received true/,
    );
  });
  it('settled when both are done, or when no graceful restart was negotiated', async () => {
    expect(await grSettleProblem(leafSays(eor(true, true)), session)).toBeUndefined();
    expect(await grSettleProblem(leafSays({ remoteGrMode: 'NotApplicable' }), session)).toBeUndefined();
  });
  it('says so when the leaf reports no End-of-RIB status, or the session is down', async () => {
    expect(await grSettleProblem(leafSays({ remoteGrMode: 'Restart' }), session)).toMatch(
      /no End-of-RIB status .*gracefulRestartInfo\.ipv4Unicast\.endOfRibStatus/,
    );
    expect(await grSettleProblem(leafSays(eor(true, true), 'Active'), session)).toMatch(/is Active/);
  });
});
