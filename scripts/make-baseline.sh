#!/usr/bin/env bash
# Build baselines/netns-<runtime>.json for the regression gate from N runs of the lab suites:
# each run is `anycast-verify test --runtime <runtime>` (a fresh lab, removed after) with its own
# report folder OUT/run<i>; then `anycast-verify baseline` folds every run's results.json into
# one baseline holding each guarded value's sample per run (compare bands each waterfall link
# from them: docs/failover.md#the-regression-gate). A failed run is kept and folded like any other
# (a check that failed once is not "passed" in the baseline); a run that left no results.json
# is named and left out. Fewer than 10 results refuse (exit 2), as `baseline` does.
#
# Usage: sudo scripts/make-baseline.sh <runtime> [runs=10] [out=/tmp/anycast-verify-baseline-<runtime>]
#   ANYCAST_VERIFY_DIR=<lab copy>     run on a renamed copy of the lab (labs of one name cannot run side by side)
#   ANYCAST_VERIFY_SCENARIO_LABS=<n>  the mode the baseline is for: compare names a run of the other mode (copies side by
#                                     side vs one after another) "not comparable". CI's ubuntu-latest runners (4 cores)
#                                     default to 1 copy (helpers/lab/scenario-labs.ts), a 2-core host to 0: build CI's
#                                     baselines with ANYCAST_VERIFY_SCENARIO_LABS=1 (or >= 1)
#   BASELINE_OUT=<file>               where to write the baseline (default baselines/netns-<runtime>.json)
set -uo pipefail
runtime=${1:?usage: scripts/make-baseline.sh <runtime> [runs=10] [out]}
runs=${2:-10}
out=${3:-/tmp/anycast-verify-baseline-$runtime}
here=$(cd "$(dirname "$0")/.." && pwd)
lab=${ANYCAST_VERIFY_DIR:-$here}
target=${BASELINE_OUT:-$here/baselines/netns-$runtime.json}
cli() { node "$here/bin/anycast-verify.mjs" "$@"; }
mkdir -p "$out"
files=()
for i in $(seq 1 "$runs"); do
  t0=$(date +%s)
  ANYCAST_VERIFY_REPORTS="$out/run$i" cli -C "$lab" test --runtime "$runtime" >"$out/run$i.log" 2>&1
  rc=$?
  if [ -f "$out/run$i/results.json" ]; then
    files+=("$out/run$i/results.json")
    echo "run $i of $runs: exit $rc in $(($(date +%s) - t0)) s, $out/run$i/results.json"
  else
    echo "run $i of $runs: exit $rc in $(($(date +%s) - t0)) s, no results.json (left out; log: $out/run$i.log)" >&2
  fi
done
cli baseline "${files[@]}" >"$out/baseline.json" || exit $?
cp "$out/baseline.json" "$target"
echo "baseline from ${#files[@]} runs: $target (the runs: $out)"
