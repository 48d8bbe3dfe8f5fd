/**
 * FRR at exactly the pinned version (helpers/runtimes/frr-exact.ts), through a local apt
 * repository standing in for FRR's (deb.frrouting.org cannot be reached from here). The stand-in
 * holds one package, `frr` at the pinned version in the layout FRR's repository uses
 * (dists/<codename>/frr-<major>/binary-<arch>/Packages); it carries no FRR binaries (none can be
 * built here), so this proves the path (the repository found, the exact version chosen and
 * installed over Debian's, the manifest and every output naming it), not FRR's behaviour at it.
 * A repository without that version leaves Debian's FRR, and the manifest says why.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVersions } from '../../helpers/model/version-pins.js';
import { CLI } from '../support/host.js';
import { PROJECT_ROOT } from '../support/lab-copy.js';

const base = mkdtempSync(join(tmpdir(), 'av-frr-exact-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const pinned = loadVersions(PROJECT_ROOT).FRR_VERSION;

/** A repository in FRR's layout holding `frr` at each of `versions` (for Debian trixie, deb13). */
async function standIn(name: string, versions: string[]): Promise<string> {
  const repo = join(base, name);
  const arch = (await execa('dpkg', ['--print-architecture'])).stdout.trim();
  const comp = `frr-${pinned.split('.')[0]}`;
  const pool = join(repo, 'pool');
  mkdirSync(pool, { recursive: true });
  const stanzas: string[] = [];
  for (const v of versions) {
    const full = `${v}-0~deb13u1`;
    const pkg = join(base, `${name}-pkg-${v}`);
    mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
    mkdirSync(join(pkg, 'usr/share/doc/frr'), { recursive: true });
    writeFileSync(join(pkg, 'usr/share/doc/frr/STAND-IN'), `a stand-in for FRR ${v} from FRR's repository\n`);
    writeFileSync(
      join(pkg, 'DEBIAN/control'),
      `Package: frr\nVersion: ${full}\nArchitecture: ${arch}\nMaintainer: anycast-verify tests <tests@invalid>\nDescription: stand-in for FRR ${v} (no binaries)\n`,
    );
    const deb = join(pool, `frr_${full}_${arch}.deb`);
    await execa('dpkg-deb', ['--root-owner-group', '--build', pkg, deb]);
    const bytes = readFileSync(deb);
    stanzas.push(
      [
        'Package: frr',
        `Version: ${full}`,
        `Architecture: ${arch}`,
        'Maintainer: anycast-verify tests <tests@invalid>',
        `Filename: pool/frr_${full}_${arch}.deb`,
        `Size: ${statSync(deb).size}`,
        `SHA256: ${createHash('sha256').update(bytes).digest('hex')}`,
        `Description: stand-in for FRR ${v} (no binaries)`,
      ].join('\n'),
    );
  }
  const dist = join(repo, 'dists/trixie');
  mkdirSync(join(dist, comp, `binary-${arch}`), { recursive: true });
  const packages = `${stanzas.join('\n\n')}\n`;
  writeFileSync(join(dist, comp, `binary-${arch}`, 'Packages'), packages);
  const sha = createHash('sha256').update(packages).digest('hex');
  writeFileSync(
    join(dist, 'Release'),
    `Origin: anycast-verify stand-in\nSuite: trixie\nCodename: trixie\nComponents: ${comp}\nArchitectures: ${arch}\nSHA256:\n ${sha} ${Buffer.byteLength(packages)} ${comp}/binary-${arch}/Packages\n`,
  );
  return pathToFileURL(repo).href;
}

async function build(repo: string) {
  const runtimes = mkdtempSync(join(base, 'runtimes-'));
  const r = await execa(process.execPath, [CLI, 'runtimes', 'build', 'trixie'], {
    reject: false,
    all: true,
    cwd: PROJECT_ROOT,
    env: { ANYCAST_VERIFY_RUNTIMES: runtimes, ANYCAST_VERIFY_FRR_REPO: repo, ANYCAST_VERIFY_RUNTIME: '' },
  });
  const manifest = JSON.parse(readFileSync(join(runtimes, 'trixie', 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return { r, manifest };
}

describe(`FRR ${pinned} exactly, from a repository standing in for FRR's`, () => {
  it('the runtime holds exactly the pinned version, and says it came from FRR’s repository', async () => {
    const { r, manifest } = await build(await standIn('has-it', ['10.4.0', pinned]));
    expect(r.exitCode, r.all).toBe(0);
    expect(manifest).toMatchObject({ frr: pinned, frrSource: 'frr-repository', frrPinned: pinned });
    expect((manifest.packages as Record<string, string>).frr).toBe(`${pinned}-0~deb13u1`);
    expect(r.all).toContain(`FRR ${pinned} (pinned ${pinned}: exactly, from FRR's repository)`);
  }, 600_000);

  it("without the pinned version there: Debian's FRR stays, and the manifest and the output say which versions the repository had", async () => {
    const { r, manifest } = await build(await standIn('lacks-it', ['10.4.0']));
    expect(r.exitCode, r.all).toBe(0);
    expect(manifest).toMatchObject({ frrSource: 'debian', frrPinned: pinned });
    expect(manifest.frr).not.toBe(pinned);
    expect(String(manifest.frrNote)).toBe(`FRR's repository has no ${pinned} for trixie (it has: 10.4.0)`);
    expect(r.all).toContain(`FRR ${pinned} pinned; running Debian's: FRR's repository has no ${pinned} for trixie`);
  }, 600_000);
});
