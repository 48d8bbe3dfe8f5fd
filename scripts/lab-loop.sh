#!/usr/bin/env bash
# N consecutive runs of the lab suites alone (`vitest run --project lab`), each watched by
# scripts/host-pressure.mjs (the host's CPU pressure and a timer's lateness over the run), to
# compare lanes and settings on one host without the unit tests: each run's reports go to
# OUT/run<i> (read them with `node scripts/loop-metrics.mjs OUT`), one summary line per run to
# OUT/summary.txt. The environment passes through (ANYCAST_VERIFY_SCENARIO_LABS=1: two lanes).
# LAB_LOOP_BUSY_CORES=<k> keeps k cores busy through each run (bounded busy loops, killed by PID
# when the run ends; default 0), as scripts/flake-loop.sh does for `npm test`.
#   Usage: scripts/lab-loop.sh [N=5] [OUT=/tmp/anycast-verify-lab-loop]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
out=${2:-/tmp/anycast-verify-lab-loop}
mkdir -p "$out"
for i in $(seq 1 "$n"); do
  rm -rf "$out/run$i"
  loads=()
  for _ in $(seq 1 "${LAB_LOOP_BUSY_CORES:-0}"); do
    timeout 900 sh -c 'while :; do :; done' &
    loads+=($!)
  done
  ANYCAST_VERIFY_REPORTS="$out/run$i" node scripts/host-pressure.mjs -- npx vitest run --project lab >"$out/run$i.log" 2>&1
  rc=$?
  for load in "${loads[@]}"; do
    kill "$load" 2>/dev/null
    wait "$load" 2>/dev/null
  done
  counts=$(node -e 'const r=require(process.argv[1]);console.log(`${r.counts.passed??0} passed, ${r.counts.failed??0} failed`)' "$out/run$i/results.json" 2>/dev/null)
  echo "run $i: exit $rc, ${counts:-no results}; $(tail -1 "$out/run$i.log"); lab namespaces left: $(ip netns list | grep -c '^av-')" | tee -a "$out/summary.txt"
done
