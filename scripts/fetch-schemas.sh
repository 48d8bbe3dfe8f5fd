#!/usr/bin/env bash
# Downloads the upstream schemas our files are validated against into .schemas/ (not committed:
# they are upstream's files): containerlab's topology JSON schema and the Cilium CRDs, at the
# versions pinned in versions.env. An environment variable of the same name overrides a pin
# (a nightly matrix leg sets CILIUM_VERSION, and its fixtures must be validated against that
# Cilium's CRDs, not the pin's). .schemas/manifest.json records each file's source, version
# and sha256. Written to a temporary folder and moved into place only when complete, so a
# failed download never leaves a half set. Without them, `check` and the tests say
# "not verified" for this validation; nothing else needs them.
set -euo pipefail
cd "$(dirname "$0")/.."
cilium_override="${CILIUM_VERSION:-}"
containerlab_override="${CONTAINERLAB_VERSION:-}"
# shellcheck disable=SC1091
. ./versions.env
CILIUM_VERSION="${cilium_override:-$CILIUM_VERSION}"
CONTAINERLAB_VERSION="${containerlab_override:-$CONTAINERLAB_VERSION}"
out=.schemas
tmp=$(mktemp -d .schemas.tmp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cilium"
entries=()
get() { # url dest
  curl -fsSL --max-time 60 "$1" -o "$tmp/$2"
  entries+=("{\"file\":\"$2\",\"url\":\"$1\",\"sha256\":\"$(sha256sum "$tmp/$2" | cut -d' ' -f1)\"}")
}
get "https://raw.githubusercontent.com/srl-labs/containerlab/v${CONTAINERLAB_VERSION}/schemas/clab.schema.json" containerlab-clab.schema.json
for crd in ciliumbgpadvertisements ciliumbgpclusterconfigs ciliumbgpnodeconfigs ciliumbgppeerconfigs ciliumloadbalancerippools; do
  get "https://raw.githubusercontent.com/cilium/cilium/v${CILIUM_VERSION}/pkg/k8s/apis/cilium.io/client/crds/v2/${crd}.yaml" "cilium/${crd}.yaml"
done
printf '{"containerlab":"%s","cilium":"%s","fetched":"%s","files":[%s]}\n' \
  "$CONTAINERLAB_VERSION" "$CILIUM_VERSION" "$(date -u +%FT%TZ)" "$(IFS=,; echo "${entries[*]}")" > "$tmp/manifest.json"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "fetch-schemas: containerlab ${CONTAINERLAB_VERSION} and Cilium ${CILIUM_VERSION} schemas in $out/" >&2
