#!/usr/bin/env bash
# Downloads the upstream schemas the tests validate our files against (reference data, not
# shipped in this repository) into .schemas/: containerlab's topology JSON schema and the
# Cilium CRDs of the pinned versions (versions.env).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
. ./versions.env
out=.schemas
mkdir -p "$out/cilium"
curl -fsSL "https://raw.githubusercontent.com/srl-labs/containerlab/v${CONTAINERLAB_VERSION}/schemas/clab.schema.json" -o "$out/containerlab-clab.schema.json"
for crd in ciliumbgpadvertisements ciliumbgpclusterconfigs ciliumbgpnodeconfigs ciliumbgppeerconfigs ciliumloadbalancerippools; do
  curl -fsSL "https://raw.githubusercontent.com/cilium/cilium/v${CILIUM_VERSION}/pkg/k8s/apis/cilium.io/client/crds/v2/${crd}.yaml" -o "$out/cilium/${crd}.yaml"
done
echo "fetch-schemas: containerlab ${CONTAINERLAB_VERSION} and Cilium ${CILIUM_VERSION} schemas in $out/" >&2
