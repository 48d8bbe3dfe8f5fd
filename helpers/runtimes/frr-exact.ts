/**
 * FRR at exactly the pinned version in a runtime: FRR's own Debian repository publishes each
 * release per Debian codename, in a component per major version (`deb https://deb.frrouting.org/frr
 * <codename> frr-<major>`, packages versioned `<version>-0~deb<N>u1`). After the runtime's Debian
 * packages are in, the builder adds that repository, looks for the pinned version there, and
 * installs it over Debian's FRR. When the repository cannot be reached, or holds no such version
 * for the codename, Debian's FRR stays and the reason is kept in the manifest, so `up`, `status`,
 * results.json and the summary say which FRR runs instead ("FRR 10.5.1 pinned; running 10.3:
 * FRR's repository unreachable").
 *
 * ANYCAST_VERIFY_FRR_REPO points elsewhere: a mirror, or a local folder (`file:///…`, copied into
 * the runtime and trusted as it is, for a stand-in repository in tests).
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upstreamVersion } from './versions.js';

export const FRR_REPOSITORY = 'https://deb.frrouting.org/frr';

export function frrRepository(env: NodeJS.ProcessEnv = process.env): string {
  return env.ANYCAST_VERIFY_FRR_REPO || FRR_REPOSITORY;
}

/** Inside the runtime: where a local repository is copied, and the apt files of FRR's source. */
const LOCAL_COPY = '/var/local/anycast-verify-frr-repo';
export const FRR_SOURCES = 'etc/apt/sources.list.d/anycast-verify-frr.list';
export const FRR_KEYRING = 'usr/share/keyrings/anycast-verify-frrouting.gpg';

/** The apt source line for `repo` (as seen inside the runtime) and the pinned version's component. */
export function frrSourceLine(repo: string, codename: string, version: string): string {
  const component = `frr-${version.split('.')[0]}`;
  return repo.startsWith('file://')
    ? `deb [trusted=yes] file://${LOCAL_COPY} ${codename} ${component}\n`
    : `deb [signed-by=/${FRR_KEYRING}] ${repo} ${codename} ${component}\n`;
}

/** The candidate of `apt-cache madison frr` output whose upstream version is `version`, from `repo`'s source. */
export function pickFrrCandidate(madison: string, version: string): { version?: string; seen: string[] } {
  const rows = madison
    .split('\n')
    .map((l) => l.split('|').map((x) => x.trim()))
    .filter((r) => r[0] === 'frr' && r[1]);
  const fromRepo = rows.filter((r) => /anycast-verify-frr-repo|frrouting/.test(r[2] ?? ''));
  // apt lists the same version once per source line; each counts once.
  const hit = fromRepo.find((r) => upstreamVersion(r[1]!) === version);
  return { version: hit?.[1], seen: [...new Set(fromRepo.map((r) => upstreamVersion(r[1]!)))] };
}

/** Writes FRR's apt source (and, for a local repository, its copy) into the runtime at `root`. */
export function addFrrSource(root: string, repo: string, codename: string, version: string): void {
  if (repo.startsWith('file://')) {
    const from = fileURLToPath(repo);
    if (!existsSync(from)) throw new Error(`ANYCAST_VERIFY_FRR_REPO: ${from} does not exist`);
    cpSync(from, join(root, LOCAL_COPY), { recursive: true });
  }
  mkdirSync(join(root, 'etc/apt/sources.list.d'), { recursive: true });
  writeFileSync(join(root, FRR_SOURCES), frrSourceLine(repo, codename, version));
}

/** The commands that take FRR's source out of the runtime again (its lists, its key, its local copy). */
export const REMOVE_FRR_SOURCE = `rm -rf /${FRR_SOURCES} /${FRR_KEYRING} ${LOCAL_COPY} /var/lib/apt/lists/*`;
