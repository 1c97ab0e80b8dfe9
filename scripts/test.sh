#!/usr/bin/env bash
# The whole test suite: what `npm test` runs and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
npm run typecheck --workspaces --if-present
npm test --workspaces --if-present
