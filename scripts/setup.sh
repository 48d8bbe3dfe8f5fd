#!/usr/bin/env bash
# Installs everything anycast-verify needs on a Debian/Ubuntu host (run as root):
# FRR, GoBGP, nftables, iproute2 and curl from apt, then the npm dependencies (npm ci).
# Node.js >= 20 must already be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(frr gobgpd nftables iproute2 curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d-style hosts may refuse to start services; we never need FRR's system service.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: apt packages already present (${packages[*]})" >&2
fi
# The frr package may start FRR in the root namespace on some hosts; the lab never uses that
# instance, and leaving it is harmless, so it is not touched here.

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found $(node -v))" >&2
  exit 1
fi
npm ci --no-audit --no-fund
# Upstream schemas for the validation tests: the workplace copy if there is one, else fetched.
if [ -z "${ANYCAST_VERIFY_SCHEMAS:-}" ] && [ ! -d ../shared/schemas ] && [ ! -d .schemas ]; then
  bash scripts/fetch-schemas.sh || echo "setup: could not fetch the upstream schemas (offline?); the schema tests will say so" >&2
fi
echo "setup: done. Next: npm test" >&2
