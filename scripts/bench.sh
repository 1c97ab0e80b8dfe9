#!/usr/bin/env bash
# `npm run bench`: every workspace's benchmarks; each prints its numbers and its ratios
# against a baseline measured in the same run.
# `npm run bench -- --scale`: the collector's sweep over fleet sizes only (docs/scaling.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--scale" ]; then
  exec npm run bench -w @rebound/collector -- --scale
fi
npm run bench --workspaces --if-present
