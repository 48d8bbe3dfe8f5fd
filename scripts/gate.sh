#!/usr/bin/env bash
# The regression gate as CI runs it, whatever the tests' outcome: compare a run's results with a
# baseline, print the verdict, keep it beside the report (reports/compare.txt) and append it to
# reports/summary.md, so the job summary and the uploaded report carry it, with the table of every
# guarded link and total (the gate's limit next to the suite's budget) folded under it, and each
# fault's waterfall drawn with the band the gate held every link to (reports/gate/<fault>.svg). A run that
# left no results.json (the suites did not run) fails the gate by name: missing evidence is no pass.
# Usage: scripts/gate.sh <results.json> <baseline.json>   Exit: compare's (0 ok, 1 regression), 2 no results.
set -uo pipefail
results=${1:?usage: scripts/gate.sh <results.json> <baseline.json>}
baseline=${2:?usage: scripts/gate.sh <results.json> <baseline.json>}
reports=$(dirname "$results")
here=$(cd "$(dirname "$0")/.." && pwd)
limits=''
if [ ! -f "$results" ]; then
  verdict="not verified: $results does not exist (the suites did not run), so nothing was compared with $baseline"
  code=2
else
  rm -rf "$reports/gate" # this run's pictures only, never an earlier run's
  out=$(node "$here/bin/anycast-verify.mjs" compare --limits --pictures "$reports/gate" "$results" "$baseline" 2>&1)
  code=$?
  # compare --limits prints the verdict, then (after a blank line) the table starting "| fault".
  verdict=$(printf '%s\n' "$out" | sed '/^| fault /,$d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
  limits=$(printf '%s\n' "$out" | sed -n '/^| fault /,$p')
fi
echo "$verdict"
mkdir -p "$reports"
printf '%s\n' "$verdict" > "$reports/compare.txt"
{
  printf '\n## Regression gate (against %s)\n\n```\n%s\n```\n' "$(basename "$baseline")" "$verdict"
  if [ -n "$limits" ]; then
    printf '\n<details><summary>Every guarded link and total: the gate'"'"'s limit and the suite'"'"'s budget</summary>\n\n%s\n\n</details>\n' "$limits"
  fi
  pictures=$(cd "$reports" 2>/dev/null && ls gate/*.svg 2>/dev/null)
  if [ -n "$pictures" ]; then
    printf '\nEach fault'"'"'s waterfall against its bands: %s\n' "$(printf '%s\n' "$pictures" | sed 's/.*/[&](&)/' | paste -sd' ')"
  fi
} >> "$reports/summary.md"
exit "$code"
