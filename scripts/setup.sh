#!/usr/bin/env bash
# Installs everything anycast-verify needs on a Debian/Ubuntu host (run as root):
#   1. from apt: debootstrap (builds the runtimes), and the host programs the lab runs
#      (helpers/providers/netns/host-tools.ts): iproute2, util-linux, mount, coreutils, hostname,
#      dash; all but the first two are part of every Debian and Ubuntu base system;
#   2. the npm dependencies (npm ci);
#   3. the runtime the lab runs FRR and GoBGP from: a Debian root filesystem in
#      /var/cache/anycast-verify/runtimes (about a minute the first time, instant after).
#      By default the one closest to versions.env; name others as arguments
#      (`scripts/setup.sh bookworm trixie sid`, or `all`), or set ANYCAST_VERIFY_RUNTIME.
# The host needs no FRR or GoBGP of its own. Node.js ^20.19, ^22.13 or >= 24 must already be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(debootstrap iproute2 util-linux mount coreutils hostname dash)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: apt packages already present (${packages[*]})" >&2
fi

# package.json engines: vitest's vite and ESLint need no less (CI runs the unit tests on each floor).
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a===20&&b>=19||a===22&&b>=13||a>=24?0:1)'; then
  echo "setup: Node.js ^20.19.0, ^22.13.0 or >= 24 is required (found $(node -v))" >&2
  exit 1
fi
# npm ci again only when the lockfile or Node.js changed since the last one (a second setup is then instant).
stamp="$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/.anycast-verify-npm-ci ] && [ "$(cat node_modules/.anycast-verify-npm-ci)" = "$stamp" ]; then
  echo "setup: node_modules already installed from this package-lock.json (npm ci skipped)" >&2
else
  npm ci --no-audit --no-fund
  echo "$stamp" > node_modules/.anycast-verify-npm-ci
fi
# Upstream schemas (containerlab's, Cilium's CRDs) at the pinned versions, for one extra check of
# our files. Optional: offline, the run reports that validation as "not verified" by name.
if [ -z "${ANYCAST_VERIFY_SCHEMAS:-}" ] && [ ! -d .schemas ]; then
  bash scripts/fetch-schemas.sh 2>/dev/null ||
    echo "setup: could not download the upstream schemas (offline?): their validation will be reported as not verified" >&2
fi
node bin/anycast-verify.mjs runtimes build "$@"
echo "setup: done. Next: npm test" >&2
