#!/usr/bin/env bash
# N consecutive full test runs (`npm test`) with one core kept busy, to find flakes before CI
# does: each run gets its own bounded busy loop (killed by PID when the run ends), its log and
# its reports copied to OUT/run<i>, and one summary line in OUT/summary.txt. Run it on a clean
# clone, never beside another lab of the same name.  Usage: scripts/flake-loop.sh [N=20] [OUT]
# FLAKE_BUSY_CORES=<k> keeps k cores busy instead of one (0: an idle host, as CI has). The run
# decides its scenario labs from the cores left free (helpers/lab/scenario-labs.ts).
# Anything else on the host must yield to it: `nice` orders processes only within a session when
# the kernel's autogroup is on; lower another shell's whole session with `echo 19 > /proc/self/autogroup`
# (docs/versions-and-findings.md).
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
out=${2:-/tmp/anycast-verify-flakes}
mkdir -p "$out"
busy=${FLAKE_BUSY_CORES:-1}
for i in $(seq 1 "$n"); do
  loads=()
  for _ in $(seq 1 "$busy"); do
    timeout 900 sh -c 'while :; do :; done' &
    loads+=($!)
  done
  t0=$(date +%s)
  tmp_before=$(ls -A "${TMPDIR:-/tmp}" | sort)
  timeout 1200 npm test >"$out/run$i.log" 2>&1
  rc=$?
  for load in "${loads[@]}"; do
    kill "$load" 2>/dev/null
    wait "$load" 2>/dev/null
  done
  rm -rf "$out/run$i" && cp -r reports "$out/run$i" 2>/dev/null
  counts=$(node -e 'const r=require("./reports/results.json");console.log(`${r.counts.passed??0} passed, ${r.counts.failed??0} failed, ${r.counts.skipped??0} not verified`)' 2>/dev/null)
  lanes=$(node -e 'console.log(require("./reports/lab.json").scenarioLanes ?? "?")' 2>/dev/null)
  tmp_left=$(comm -13 <(echo "$tmp_before") <(ls -A "${TMPDIR:-/tmp}" | sort) | tr '\n' ' ')
  echo "run $i: exit $rc in $(($(date +%s) - t0)) s, $counts, ${lanes:-?} scenario lanes, lab namespaces left: $(ip netns list | grep -c '^av-'), new temp entries: ${tmp_left:-none}" | tee -a "$out/summary.txt"
done
