/**
 * The one check shape (helpers/checks/check.ts) on the session claims, against a stand-in lab:
 * each aspect is its own check returning sentences; oneReading/allOf ask each router once per
 * reading; the sentences are the ones the breakage suite matches; and the worked example in
 * docs/intent-and-mutation-score.md is the code the suites run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneReading } from '../../helpers/checks/check.js';
import { sessionAsConfigured, sessionEstablished } from '../../helpers/checks/session-checks.js';
import { labSessions } from '../../helpers/lab/sessions.js';
import { loadLabModel } from '../../helpers/model/lab-model.js';
import type { LabHandle, SpeakerPeerView } from '../../helpers/providers/api/lab-handle.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const model = loadLabModel({ root: PROJECT_ROOT });
const session = labSessions(model).find((s) => s.md5 && s.b.kind === 'speaker')!;

/** A lab whose leaf and node both see the session down, and which counts what it is asked. */
function sessionDown() {
  const asked: string[] = [];
  const lab = {
    model,
    vtysh: async (router: string, command: string) => {
      asked.push(`${router}: ${command}`);
      if (command === 'show bgp neighbors json')
        return JSON.stringify({
          [session.b.address]: {
            bgpState: 'Active',
            remoteAs: session.b.asn,
            localAs: session.a.asn,
            lastResetDueTo: 'Waiting for peer OPEN',
          },
        });
      return JSON.stringify({ routes: {} });
    },
    speakerPeers: async (node: string): Promise<SpeakerPeerView[]> => {
      asked.push(`${node}: speaker peers`);
      return [{ peerAddress: session.a.address, peerASN: session.a.asn, localASN: session.b.asn, state: 'idle' }];
    },
  } as unknown as LabHandle;
  return { lab, asked };
}

describe('the session claims, one check per aspect', () => {
  it('a session down on both ends: sessionEstablished names each end with the state it reports, as the breakage suite expects', async () => {
    const problems = await sessionEstablished(sessionDown().lab, session);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(
        `^${session.a.node} sees its session to ${session.b.node} .* as (Active|Connect|Idle) \\(last reset: Waiting for peer OPEN\\)$`,
      ),
    );
    expect(problems[1]).toMatch(
      new RegExp(`^${session.b.node} sees its session to ${session.a.node} .* as (idle|connect|active)$`),
    );
  });

  it('every claim on one reading asks each router and speaker once, and collects the problems of each aspect', async () => {
    const { lab, asked } = sessionDown();
    const problems = await sessionAsConfigured(lab, session);
    expect(asked.sort()).toEqual(
      [
        `${session.a.node}: show bgp ipv4 unicast neighbors ${session.b.address} routes json`,
        `${session.a.node}: show bgp neighbors json`,
        `${session.b.node}: speaker peers`,
      ].sort(),
    );
    expect(problems).toContain(
      `${session.a.node} receives from ${session.b.node}: nothing; expected exactly ${session.speakerPeer!.advertise.map((a) => `${a.prefix} [${session.b.asn}] IGP`).join(', ')}`,
    );
    expect(problems.filter((p) => p.includes(' sees its session to '))).toHaveLength(2);
  });

  it('oneReading answers a repeated question from its first answer; the lab itself asks again', async () => {
    const { lab, asked } = sessionDown();
    const reading = oneReading(lab);
    await sessionEstablished(reading, session);
    await sessionEstablished(reading, session);
    expect(asked).toHaveLength(2);
    await sessionEstablished(lab, session);
    expect(asked).toHaveLength(4);
    expect(reading.model).toBe(model);
  });
});

describe('docs/intent-and-mutation-score.md "Writing a new check"', () => {
  it('shows the declared claim and its test as they stand in suites/claims.ts and suites/2-vip-routes.test.ts', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'intent-and-mutation-score.md'), 'utf8');
    const start = doc.indexOf('## Writing a new check');
    expect(start, 'the section').toBeGreaterThanOrEqual(0);
    const next = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, next < 0 ? undefined : next);
    const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const claims = readFileSync(join(PROJECT_ROOT, 'suites/claims.ts'), 'utf8');
    const suite = readFileSync(join(PROJECT_ROOT, 'suites/2-vip-routes.test.ts'), 'utf8');
    expect(
      blocks.find((b) => b.includes('export const leaf1AsPath')),
      'the claim',
    ).toSatisfy((b: string) => claims.includes(b));
    expect(
      blocks.find((b) => b.includes("describe('declared claims'")),
      'its test',
    ).toSatisfy((b: string) => suite.includes(b));
  });
});
