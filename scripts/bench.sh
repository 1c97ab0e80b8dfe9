#!/usr/bin/env bash
# `npm run bench`: every workspace's benchmarks; each prints its numbers and its ratios
# against a baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run bench --workspaces --if-present
