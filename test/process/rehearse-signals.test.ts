/**
 * Interrupting `anycast-verify rehearse` in the middle of a step: Ctrl-C ends it with 130 after
 * removing its lab; a SIGKILL leaves the lab to its reaper. Either way nothing of the rehearsal's
 * lab (`<lab>-up`) is left on the host, nor the copy of the lab's files it ran from.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { rehearsalLabName } from '../../helpers/experiment/rehearse.js';
import { withLabName } from '../../helpers/model/lab-model.js';
import { expectHostClean, namedCopy, outputContains, startCli } from '../support/host.js';

/** The rehearsal copies a process left in the temp folder. */
const copiesOf = (pid: number) => readdirSync(tmpdir()).filter((e) => e.startsWith(`anycast-verify-rehearse-${pid}-`));

describe('signals during a rehearsal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGKILL', null],
  ] as const)(
    '%s while a router restarts leaves nothing behind',
    async (sig, code) => {
      const { copy, model } = namedCopy(`pt-rh-${sig === 'SIGINT' ? 'i' : 'k'}`);
      const up = withLabName(model, rehearsalLabName(model.name));
      const child = startCli([
        '-C',
        copy.root,
        'rehearse',
        '--from',
        'trixie',
        '--to',
        'trixie',
        '--strategy',
        'plain',
      ]);
      // The second step: the lab is up, the traffic runs, one router has restarted already.
      await outputContains(child, 'plain: spine → ');
      process.kill(child.pid!, sig);
      const r = await child;
      if (code !== null) expect(r.exitCode, r.all).toBe(code);
      await expectHostClean(up);
      expect(copiesOf(child.pid!), 'the copy of the lab files').toEqual([]);
    },
    120_000,
  );
});
