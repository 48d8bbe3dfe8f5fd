/**
 * Which FRR and GoBGP the embedded lab can run, and which one stands for the versions the
 * real lab pins. A runtime is one Debian suite's root filesystem: FRR and GoBGP come from
 * the same suite, as a pair. The exact package versions a build got are recorded in its
 * manifest; the values here are what each suite shipped when this table was written and
 * are used only to choose a runtime before one is built.
 */
import { parseVersion } from './versions.js';

export const RUNTIME_SUITES = ['bookworm', 'trixie', 'sid'] as const;
export type RuntimeSuite = (typeof RUNTIME_SUITES)[number];

export function isRuntimeSuite(s: string): s is RuntimeSuite {
  return (RUNTIME_SUITES as readonly string[]).includes(s);
}

/** What each Debian suite ships (`apt-cache madison frr gobgpd` against deb.debian.org, 2026-11). */
export const SUITE_SHIPS: Record<RuntimeSuite, { frr: string; gobgp: string }> = {
  bookworm: { frr: '8.4.4', gobgp: '3.10.0' },
  trixie: { frr: '10.3', gobgp: '3.36.0' },
  sid: { frr: '10.7.1', gobgp: '4.8.0' },
};

/**
 * Packages every runtime holds: the routers' and nodes' daemons and the tools the lab runs
 * inside nodes. netbase brings /etc/protocols, without which `ip route get … ipproto tcp` fails.
 */
export const RUNTIME_PACKAGES = [
  'frr',
  'gobgpd',
  'iproute2',
  'nftables',
  'procps',
  'bash',
  'curl',
  'netbase',
  'tcpdump',
] as const;

/**
 * The GoBGP each Cilium release line embeds, from Cilium's go.mod on that release branch.
 * A Cilium line missing here is refused by name: guessing the speaker would defeat the point.
 */
export const CILIUM_EMBEDS: { cilium: string; gobgp: string; source: string }[] = [
  {
    cilium: '1.18',
    gobgp: '3.37.0',
    source:
      'cilium/cilium v1.18 go.mod: github.com/osrg/gobgp/v3 v3.37.0, replaced by github.com/cilium/gobgp/v3 (v3.37.0 + MD5 fix, cilium PR #40566)',
  },
  { cilium: '1.19', gobgp: '3.37.0', source: 'cilium/cilium v1.19 go.mod: still the cilium/gobgp/v3 fork of v3.37.0' },
  {
    cilium: '1.20',
    gobgp: '4.6.0',
    source:
      'cilium/cilium v1.20 go.mod:79: github.com/osrg/gobgp/v4 v4.6.1-0.20260630022313-d6dee8360046, upstream, no fork (cilium PRs #45952 v3 → v4.5.0, #46802 that pseudo-version; the go.mod line as linked from cilium issue #22394, not read at the tag: the cilium/cilium tree is over the fetch limit). The pseudo-version is osrg/gobgp commit d6dee836 = v4.6.0 plus 38 commits, before v4.7.0: listed as 4.6.0, whose timers it has',
  },
];

export class RuntimeChoiceError extends Error {
  override name = 'RuntimeChoiceError';
}

export function gobgpForCilium(ciliumVersion: string): { gobgp: string; source: string } {
  const v = parseVersion(ciliumVersion);
  const line = `${v[0]}.${v[1]}`;
  const hit = CILIUM_EMBEDS.find((e) => e.cilium === line);
  if (!hit) {
    throw new RuntimeChoiceError(
      `CILIUM_VERSION ${ciliumVersion}: no record of which GoBGP Cilium ${line} embeds (known: ${CILIUM_EMBEDS.map((e) => e.cilium).join(', ')}); add it to CILIUM_EMBEDS in helpers/runtimes/catalog.ts with its go.mod source, or choose a runtime with --runtime / ANYCAST_VERIFY_RUNTIME`,
    );
  }
  return { gobgp: hit.gobgp, source: hit.source };
}

export interface RuntimeChoice {
  suite: RuntimeSuite;
  /** Why this suite: the pins and the distance to them. */
  reason: string;
  requested: { frr: string; cilium: string; gobgp: string; gobgpSource: string };
}

/**
 * The runtime that stands closest to the pins: the GoBGP major version must match (v3 and v4
 * differ in timing and API), then the nearest GoBGP minor, then the nearest FRR.
 */
export function chooseRuntime(pins: { frr: string; cilium: string }, override?: string): RuntimeChoice {
  const embedded = gobgpForCilium(pins.cilium);
  const requested = { frr: pins.frr, cilium: pins.cilium, gobgp: embedded.gobgp, gobgpSource: embedded.source };
  if (override) {
    if (!isRuntimeSuite(override))
      throw new RuntimeChoiceError(`unknown runtime "${override}" (choose one of: ${RUNTIME_SUITES.join(', ')})`);
    return { suite: override, reason: 'chosen with --runtime / ANYCAST_VERIFY_RUNTIME', requested };
  }
  const want = parseVersion(embedded.gobgp);
  const wantFrr = parseVersion(pins.frr);
  const scored = RUNTIME_SUITES.map((suite) => {
    const g = parseVersion(SUITE_SHIPS[suite].gobgp);
    const f = parseVersion(SUITE_SHIPS[suite].frr);
    return {
      suite,
      majorMismatch: g[0] !== want[0] ? 1 : 0,
      gobgpDist: Math.abs(g[1] - want[1]),
      frrDist: Math.abs(f[0] * 100 + f[1] - (wantFrr[0] * 100 + wantFrr[1])),
    };
  }).sort((a, b) => a.majorMismatch - b.majorMismatch || a.gobgpDist - b.gobgpDist || a.frrDist - b.frrDist);
  const best = scored[0]!;
  const ships = SUITE_SHIPS[best.suite];
  return {
    suite: best.suite,
    reason: `closest to FRR ${pins.frr} and GoBGP ${embedded.gobgp} (Cilium ${pins.cilium}): ${best.suite} ships FRR ${ships.frr}, GoBGP ${ships.gobgp}`,
    requested,
  };
}
