#!/usr/bin/env bash
# `npm run test:unit`: every test that starts no server, in every workspace at once (each
# workspace's `test:unit` script: its *.test.* files not named *.integration.test.*).
# Needs Node and two programs: openssl (throwaway TLS certificates) and promtool (rule tests);
# scripts/ensure-system-deps.sh installs them. `npm test` runs everything, integration included.
# Each workspace's output is printed when it is done; a failing workspace's output in full.
# The TypeScript workspaces' test:unit scripts load tsx's CommonJS hook only (`--require tsx/cjs`:
# about 0.1 s of CPU a test file instead of 0.3 s for `--import tsx`, which also starts an ES module
# loader thread; the workspaces are CommonJS); `npm test` runs the same files with `--import tsx`.
# Where the time went (2 cores, issue 10): the collector's 74 unit test files were a process each
# (74 s of CPU; three processes now, collector/unit-tests/), the plugin's jest ran two workers that
# each loaded Grafana's modules (~37 s; in band now, ~18 s) and its fleet-of-2,000 fixture spent
# ~15 s of CPU on garbage and jsdom's slow global lookups (~4 s now). About 60 s of CPU in all, cold.
set -uo pipefail
cd "$(dirname "$0")/.."
for program in openssl promtool; do
  command -v "$program" >/dev/null || { echo "test:unit needs $program: run scripts/ensure-system-deps.sh" >&2; exit 1; }
done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
started=$(date +%s%N)
declare -A pid_of
for workspace in collector dashboards grafana-plugin test contract; do
  [ -f "$workspace/package.json" ] || continue
  grep -q '"test:unit"' "$workspace/package.json" || continue
  (
    t0=$(date +%s%N)
    npm run --silent test:unit -w "$workspace" >"$logs/$workspace.log" 2>&1
    echo "$? $(( ($(date +%s%N) - t0) / 1000000 ))" >"$logs/$workspace.done"
  ) &
  pid_of[$workspace]=$!
done

failed=()
remaining=("${!pid_of[@]}")
while [ ${#remaining[@]} -gt 0 ]; do
  sleep 0.5
  still=()
  for workspace in "${remaining[@]}"; do
    if [ -f "$logs/$workspace.done" ]; then
      read -r code millis <"$logs/$workspace.done"
      if [ "$code" -eq 0 ]; then
        summary=$(grep -E '^(ℹ (tests|pass|fail|skipped) [0-9]+|Tests: )' "$logs/$workspace.log" | sed -E 's/^ℹ //' | paste -sd' ' -)
        printf '✔ %-15s %6.1f s  %s\n' "$workspace" "$(awk "BEGIN { print $millis / 1000 }")" "$summary"
      else
        echo "✖ $workspace failed (exit $code) after $(( millis / 1000 )) s; its output:"
        cat "$logs/$workspace.log"
        failed+=("$workspace")
      fi
    else
      still+=("$workspace")
    fi
  done
  remaining=("${still[@]}")
done

wait
echo "test:unit: $(awk "BEGIN { printf \"%.1f\", ($(date +%s%N) - $started) / 1e9 }") s in all"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
