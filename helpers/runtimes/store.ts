/**
 * Where built runtimes live and what a built one looks like. A runtime counts as built only
 * when `<cache>/<suite>/manifest.json` exists: the build writes it last, inside a private
 * folder that is renamed into place in one step, so a half-built runtime is never used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_PACKAGES, RUNTIME_SUITES, SUITE_SHIPS, type RuntimeSuite } from './catalog.js';

export function runtimesDir(): string {
  return process.env.ANYCAST_VERIFY_RUNTIMES ?? '/var/cache/anycast-verify/runtimes';
}

export interface RuntimeManifest {
  suite: RuntimeSuite;
  /** Debian package versions as installed ("10.3-3+deb13u1"). */
  packages: Record<string, string>;
  frr: string;
  gobgp: string;
  /**
   * Where FRR came from: Debian's package, or FRR's own repository at the pinned version
   * (./frr-exact.ts). `frrPinned` and `frrNote` say what was asked and, on the Debian path, why.
   */
  frrSource?: 'debian' | 'frr-repository';
  frrPinned?: string;
  frrNote?: string;
  mirror: string;
  builtAt: string;
  buildSeconds: number;
}

/** How a runtime's FRR relates to its pin, for every output: ` (pinned 10.5.1: from FRR's repository)`, or the fallback's reason. */
export function frrNoteText(m: Pick<RuntimeManifest, 'frrSource' | 'frrPinned' | 'frrNote'>): string {
  if (!m.frrPinned) return '';
  return m.frrSource === 'frr-repository'
    ? ` (pinned ${m.frrPinned}: exactly, from FRR's repository)`
    : ` (FRR ${m.frrPinned} pinned; running Debian's: ${m.frrNote ?? 'no reason recorded'})`;
}

export interface BuiltRuntime {
  suite: RuntimeSuite;
  /** The root filesystem the lab's daemons and node commands run in (chroot). */
  root: string;
  manifest: RuntimeManifest;
}

export function runtimeFolder(suite: RuntimeSuite): string {
  return join(runtimesDir(), suite);
}

export function builtRuntime(suite: RuntimeSuite): BuiltRuntime | undefined {
  const folder = runtimeFolder(suite);
  const file = join(folder, 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as RuntimeManifest;
    // Built for an older package list: not usable as is (a build replaces it).
    if (RUNTIME_PACKAGES.some((p) => !manifest.packages?.[p])) return undefined;
    return { suite, root: join(folder, 'root'), manifest };
  } catch {
    return undefined;
  }
}

export class RuntimeMissingError extends Error {
  override name = 'RuntimeMissingError';
  constructor(readonly suite: RuntimeSuite) {
    super(
      `runtime "${suite}" (FRR ${SUITE_SHIPS[suite].frr}, GoBGP ${SUITE_SHIPS[suite].gobgp}) is not built in ${runtimesDir()}: run \`sudo npx anycast-verify runtimes build ${suite}\` (about a minute, needs the Debian mirror)`,
    );
  }
}

export function requireRuntime(suite: RuntimeSuite): BuiltRuntime {
  const rt = builtRuntime(suite);
  if (!rt) throw new RuntimeMissingError(suite);
  return rt;
}

export function allRuntimes(): { suite: RuntimeSuite; built?: BuiltRuntime }[] {
  return RUNTIME_SUITES.map((suite) => ({ suite, built: builtRuntime(suite) }));
}
