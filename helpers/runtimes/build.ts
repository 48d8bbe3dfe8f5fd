/**
 * Builds one runtime: a Debian root filesystem (debootstrap minbase, then apt inside it)
 * holding FRR, GoBGP and the tools the lab runs inside nodes.
 *
 * - Idempotent: a built runtime is left alone (unless `force`), so a second setup is instant.
 * - One builder per suite at a time (a lock in the cache folder; a second builder waits).
 * - Atomic: everything happens in a private `.partial-*` folder that is renamed into place
 *   only after the manifest is written; an interrupted build leaves nothing a run would use,
 *   and its folder is removed (on Ctrl-C at once, after SIGKILL by the next build).
 * - No mount outlives the build: debootstrap and apt run in a private mount namespace
 *   (`unshare --mount`), so their /proc mounts vanish with them.
 */
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import lockfile from 'proper-lockfile';
import type { Progress } from '../os/progress.js';
import { RUNTIME_PACKAGES, SUITE_SHIPS, type RuntimeSuite } from './catalog.js';
import { builtRuntime, runtimeFolder, runtimesDir, type BuiltRuntime, type RuntimeManifest } from './store.js';
import { upstreamVersion } from './versions.js';
import { addFrrSource, FRR_KEYRING, frrRepository, pickFrrCandidate, REMOVE_FRR_SOURCE } from './frr-exact.js';

export function debianMirror(): string {
  return process.env.ANYCAST_VERIFY_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
}

export class RuntimeBuildError extends Error {
  override name = 'RuntimeBuildError';
}

export interface BuildOptions {
  progress: Progress;
  force?: boolean;
  signal?: AbortSignal;
  /** Install FRR at exactly this version from FRR's repository, where it can (./frr-exact.ts). */
  frrExact?: string;
}

export async function buildRuntime(suite: RuntimeSuite, opts: BuildOptions): Promise<BuiltRuntime> {
  const done = builtRuntime(suite);
  if (done && !opts.force) return done;
  if (process.getuid?.() !== 0)
    throw new RuntimeBuildError(`building runtime "${suite}" needs root (debootstrap, chroot): run it with sudo`);
  for (const tool of ['debootstrap', 'unshare', 'chroot']) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (r.exitCode !== 0)
      throw new RuntimeBuildError(
        `building a runtime needs ${tool}: apt-get install -y ${tool === 'debootstrap' ? 'debootstrap' : 'util-linux coreutils'}`,
      );
  }
  mkdirSync(runtimesDir(), { recursive: true });
  // Waits for a concurrent builder of the same suite (which may build it for us).
  const lockTarget = join(runtimesDir(), `${suite}.lock-target`);
  writeFileSync(lockTarget, '');
  const release = await lockfile
    .lock(lockTarget, { stale: 30_000, update: 5_000, retries: { retries: 240, minTimeout: 1000, maxTimeout: 1000 } })
    .catch((err: Error) => {
      throw new RuntimeBuildError(
        `could not lock ${lockTarget} (another build of "${suite}" still running?): ${err.message}`,
      );
    });
  try {
    const meanwhile = builtRuntime(suite);
    if (meanwhile && !opts.force) return meanwhile;
    // Holding the lock, every partial folder of this suite belongs to a build that died.
    for (const e of readdirSync(runtimesDir()))
      if (e.startsWith(`.partial-${suite}-`)) rmSync(join(runtimesDir(), e), { recursive: true, force: true });
    const partial = join(runtimesDir(), `.partial-${suite}-${process.pid}`);
    try {
      const manifest = await buildInto(partial, suite, opts);
      writeFileSync(join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2));
      const final = runtimeFolder(suite);
      const old = `${final}.old-${process.pid}`;
      if (existsSync(final)) renameSync(final, old);
      renameSync(partial, final);
      rmSync(old, { recursive: true, force: true });
      return builtRuntime(suite)!;
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  } finally {
    await release().catch(() => undefined);
    rmSync(lockTarget, { force: true });
  }
}

/** Builds the runtime's root in `partial`: debootstrap, the packages, then what they need; returns its manifest. */
async function buildInto(partial: string, suite: RuntimeSuite, opts: BuildOptions): Promise<RuntimeManifest> {
  const t0 = performance.now();
  const root = join(partial, 'root');
  mkdirSync(root, { recursive: true });
  const mirror = debianMirror();
  const sh = buildStep(suite, opts);
  opts.progress.info(
    `building runtime "${suite}" (expected FRR ${SUITE_SHIPS[suite].frr}, GoBGP ${SUITE_SHIPS[suite].gobgp}) from ${mirror}; about a minute`,
  );
  await bootstrapDebian(sh, suite, root, mirror);
  prepareRoot(root);
  await installPackages(sh, suite, root, mirror);
  const exact = opts.frrExact ? await installExactFrr(root, suite, opts.frrExact, opts) : undefined;
  addLocalhost(root);
  const packages = await installedPackages(root);
  return {
    suite,
    packages,
    frr: upstreamVersion(packages.frr ?? '?'),
    gobgp: upstreamVersion(packages.gobgpd ?? '?'),
    ...exact,
    mirror,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}

/** Runs one build command as a progress step; a failure is explained from its output (`explain`), with the output's tail. */
type BuildStep = (title: string, argv: string[], explain: (out: string) => string) => Promise<string>;

/** The build's steps: Debian's non-interactive environment, cancelled by the build's signal, and nothing kept on abort. */
function buildStep(suite: RuntimeSuite, opts: BuildOptions): BuildStep {
  return (title, argv, explain) =>
    opts.progress.step(title, async () => {
      const r = await execa(argv[0]!, argv.slice(1), {
        reject: false,
        all: true,
        cancelSignal: opts.signal,
        env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
      });
      if (opts.signal?.aborted)
        throw new RuntimeBuildError(`building runtime "${suite}" was interrupted; nothing was kept`);
      if (r.exitCode !== 0)
        throw new RuntimeBuildError(
          `${explain(r.all ?? '')}\n  last output:\n    ${(r.all ?? '').trim().split('\n').slice(-8).join('\n    ')}`,
        );
      return r.all ?? '';
    });
}

/** debootstrap minbase into `root`, in a private mount namespace; an unreachable mirror is named as such. */
async function bootstrapDebian(sh: BuildStep, suite: RuntimeSuite, root: string, mirror: string): Promise<void> {
  await sh(
    `debootstrap --variant=minbase ${suite}`,
    ['unshare', '--mount', '--propagation', 'private', 'debootstrap', '--variant=minbase', suite, root, mirror],
    (out) =>
      /Failed getting release file|Couldn't download|Temporary failure resolving|Could not resolve|Connection refused|Network is unreachable/i.test(
        out,
      )
        ? `could not fetch Debian "${suite}" from ${mirror} (offline? set ANYCAST_VERIFY_DEBIAN_MIRROR to a reachable mirror)`
        : `debootstrap of "${suite}" failed`,
  );
}

/** Before apt runs inside: no service may start there, and apt resolves names as the host does. */
function prepareRoot(root: string): void {
  // Services never start inside the runtime: the lab starts every daemon itself.
  const policy = join(root, 'usr/sbin/policy-rc.d');
  writeFileSync(policy, '#!/bin/sh\nexit 101\n');
  chmodSync(policy, 0o755);
  if (existsSync('/etc/resolv.conf')) copyFileSync('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
}

/** argv running `script` in the runtime's chroot, with its own /proc, in a private mount namespace. */
function inChroot(root: string, script: string): string[] {
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    `mount -t proc proc "$0/proc" && exec chroot "$0" sh -c '${script}'`,
    root,
  ];
}

/**
 * FRR at exactly `version` from FRR's repository over Debian's (./frr-exact.ts); when it cannot,
 * Debian's FRR stays and the manifest says why. Never fails the build: the runtime is usable
 * either way, and every output names the FRR that runs.
 */
async function installExactFrr(
  root: string,
  suite: RuntimeSuite,
  version: string,
  opts: BuildOptions,
): Promise<Pick<RuntimeManifest, 'frrSource' | 'frrPinned' | 'frrNote'>> {
  const repo = frrRepository();
  const run = (script: string) => {
    const [file, ...args] = inChroot(root, script);
    return execa(file!, args, {
      reject: false,
      all: true,
      cancelSignal: opts.signal,
      env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
    });
  };
  const debian = (why: string) => {
    opts.progress.info(`FRR ${version} pinned; the runtime keeps Debian's FRR: ${why}`);
    return { frrSource: 'debian' as const, frrPinned: version, frrNote: why };
  };
  return opts.progress.step(`looking for FRR ${version} in ${repo}`, async () => {
    try {
      addFrrSource(root, repo, suite, version);
      if (!repo.startsWith('file://')) {
        const key = await run(
          `apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates && curl -fsSL --max-time 30 ${repo}/keys.gpg -o /${FRR_KEYRING}`,
        );
        if (key.exitCode !== 0) return debian(`FRR's repository unreachable (${repo}/keys.gpg)`);
      }
      const update = await run('apt-get update -qq -o Acquire::Check-Valid-Until=false');
      if (update.exitCode !== 0 || /Failed to fetch|Some index files failed/.test(update.all ?? ''))
        return debian(`FRR's repository unreachable (${repo})`);
      const madison = await run('apt-cache madison frr');
      const pick = pickFrrCandidate(madison.stdout, version);
      if (!pick.version)
        return debian(`FRR's repository has no ${version} for ${suite} (it has: ${pick.seen.join(', ') || 'none'})`);
      const install = await run(
        `apt-get install -y -qq --no-install-recommends --allow-downgrades frr=${pick.version}`,
      );
      if (install.exitCode !== 0)
        throw new RuntimeBuildError(
          `installing FRR ${pick.version} from ${repo} failed:\n    ${(install.all ?? '').trim().split('\n').slice(-8).join('\n    ')}`,
        );
      return { frrSource: 'frr-repository' as const, frrPinned: version };
    } finally {
      await run(`${REMOVE_FRR_SOURCE}; apt-get clean`);
    }
  });
}

/** apt-get install of the runtime's packages inside the root (with its own /proc, in a private mount namespace). */
async function installPackages(sh: BuildStep, suite: RuntimeSuite, root: string, mirror: string): Promise<void> {
  const pkgs = RUNTIME_PACKAGES.join(' ');
  // A snapshot mirror serves sid's Release file past its Valid-Until (sid's is a week): the
  // signature is still checked, only the expiry is not, unless asked for.
  const validUntil =
    process.env.ANYCAST_VERIFY_APT_CHECK_VALID_UNTIL === '1' ? '' : ' -o Acquire::Check-Valid-Until=false';
  await sh(
    `apt-get install ${pkgs}`,
    inChroot(
      root,
      `apt-get update -qq${validUntil} && apt-get install -y -qq --no-install-recommends ${pkgs} && apt-get clean && rm -rf /var/lib/apt/lists/*`,
    ),
    (out) =>
      /Unable to locate package|has no installation candidate/.test(out)
        ? `Debian "${suite}" at ${mirror} does not have every package the runtime needs (${pkgs})`
        : /Could not resolve|Failed to fetch|Temporary failure/i.test(out)
          ? `could not fetch packages for "${suite}" from ${mirror} (offline?): ${pkgs}`
          : `installing ${pkgs} in runtime "${suite}" failed`,
  );
}

/** minbase has no localhost in /etc/hosts: GoBGP looks it up for its API listener. */
function addLocalhost(root: string): void {
  const hosts = join(root, 'etc/hosts');
  if (!existsSync(hosts) || !/^127\.0\.0\.1\s+localhost\b/m.test(readFileSync(hosts, 'utf8')))
    appendFileSync(hosts, '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
}

/** The runtime's packages and their Debian versions, as dpkg inside the root reports them (for the manifest). */
async function installedPackages(root: string): Promise<Record<string, string>> {
  const q = await execa('chroot', [root, 'dpkg-query', '-W', '-f', '${Package} ${Version}\\n', ...RUNTIME_PACKAGES]);
  return Object.fromEntries(
    q.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );
}
