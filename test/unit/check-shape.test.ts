/**
 * The one check shape (helpers/claims/claim-shape.ts) on the session claims, against a stand-in lab:
 * each aspect is its own check returning sentences; oneReading/allOf ask each router once per
 * reading; the sentences are the ones the breakage suite matches; and the README's worked
 * example is the code the suites run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { oneReading } from '../../helpers/claims/claim-shape.js';
import { sessionAsConfigured, sessionEstablished } from '../../helpers/claims/session-claims.js';
import { labSessions } from '../../helpers/model/lab-sessions.js';
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

describe("docs: a lab's own claim", () => {
  it("the vtysh claim the docs show is the one the seed's intent.yaml declares", () => {
    const docs = [
      'README.md',
      ...readdirSync(join(PROJECT_ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const blocks = docs.flatMap((f) =>
      [...readFileSync(join(PROJECT_ROOT, f), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!),
    );
    const shown = blocks.find((b) => /^vtysh:/m.test(b));
    expect(shown, 'a yaml block starting a `vtysh:` list in README.md or docs/').toBeDefined();
    // Compared as data: Prettier may space the docs' YAML differently from intent.yaml.
    const intent = parseYaml(readFileSync(join(PROJECT_ROOT, 'intent.yaml'), 'utf8')) as { vtysh: unknown[] };
    const docsClaims = (parseYaml(shown!) as { vtysh: unknown[] }).vtysh;
    expect(docsClaims.length).toBeGreaterThan(0);
    for (const c of docsClaims) expect(intent.vtysh).toContainEqual(c);
  });
});
