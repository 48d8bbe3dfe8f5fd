#!/usr/bin/env bash
# Downloads the upstream schemas the tests validate our files against (reference data, not
# shipped in this repository) into .schemas/: containerlab's topology JSON schema and the
# Cilium CRDs of the versions in use: versions.env, where an environment variable of the same
# name overrides a pin (a nightly matrix leg sets CILIUM_VERSION, and its fixtures must be
# validated against that Cilium's CRDs, not the pin's).
set -euo pipefail
cd "$(dirname "$0")/.."
cilium_override="${CILIUM_VERSION:-}"
containerlab_override="${CONTAINERLAB_VERSION:-}"
# shellcheck disable=SC1091
. ./versions.env
CILIUM_VERSION="${cilium_override:-$CILIUM_VERSION}"
CONTAINERLAB_VERSION="${containerlab_override:-$CONTAINERLAB_VERSION}"
out=.schemas
mkdir -p "$out/cilium"
curl -fsSL "https://raw.githubusercontent.com/srl-labs/containerlab/v${CONTAINERLAB_VERSION}/schemas/clab.schema.json" -o "$out/containerlab-clab.schema.json"
for crd in ciliumbgpadvertisements ciliumbgpclusterconfigs ciliumbgpnodeconfigs ciliumbgppeerconfigs ciliumloadbalancerippools; do
  curl -fsSL "https://raw.githubusercontent.com/cilium/cilium/v${CILIUM_VERSION}/pkg/k8s/apis/cilium.io/client/crds/v2/${crd}.yaml" -o "$out/cilium/${crd}.yaml"
done
echo "fetch-schemas: containerlab ${CONTAINERLAB_VERSION} and Cilium ${CILIUM_VERSION} schemas in $out/" >&2
