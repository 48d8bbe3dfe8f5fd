/**
 * Choosing FRR's exact version (helpers/runtimes/frr-exact.ts) and how every output names the FRR
 * a runtime holds against its pin (helpers/runtimes/store.ts frrNoteText). The build itself, with
 * a stand-in repository, is test/process/frr-exact.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { frrSourceLine, pickFrrCandidate } from '../../helpers/runtimes/frr-exact.js';
import { frrNoteText } from '../../helpers/runtimes/store.js';

const madison = [
  '       frr | 10.5.1-0~deb13u1 | https://deb.frrouting.org/frr trixie/frr-10 amd64 Packages',
  '       frr | 10.5.0-0~deb13u1 | https://deb.frrouting.org/frr trixie/frr-10 amd64 Packages',
  '       frr |     10.3-3+deb13u1 | http://deb.debian.org/debian trixie/main amd64 Packages',
].join('\n');

describe("FRR's exact version", () => {
  it('picks the candidate from FRR’s repository whose upstream version is the pin', () => {
    expect(pickFrrCandidate(madison, '10.5.1')).toEqual({ version: '10.5.1-0~deb13u1', seen: ['10.5.1', '10.5.0'] });
  });
  it("never Debian's package, even when its version matches: the pin is FRR's build", () => {
    expect(pickFrrCandidate(madison, '10.3').version).toBeUndefined();
  });
  it('the source line: the component is the major version; a local stand-in is trusted as it is', () => {
    expect(frrSourceLine('https://deb.frrouting.org/frr', 'trixie', '10.5.1')).toBe(
      'deb [signed-by=/usr/share/keyrings/anycast-verify-frrouting.gpg] https://deb.frrouting.org/frr trixie frr-10\n',
    );
    expect(frrSourceLine('file:///tmp/repo', 'bookworm', '9.1.3')).toBe(
      'deb [trusted=yes] file:///var/local/anycast-verify-frr-repo bookworm frr-9\n',
    );
  });
  it('every output says whether FRR runs at its pin, and why not', () => {
    expect(frrNoteText({})).toBe('');
    expect(frrNoteText({ frrSource: 'frr-repository', frrPinned: '10.5.1' })).toBe(
      " (pinned 10.5.1: exactly, from FRR's repository)",
    );
    expect(
      frrNoteText({
        frrSource: 'debian',
        frrPinned: '10.5.4',
        frrNote: "FRR's repository unreachable (https://deb.frrouting.org/frr)",
      }),
    ).toBe(" (FRR 10.5.4 pinned; running Debian's: FRR's repository unreachable (https://deb.frrouting.org/frr))");
  });
});
