#!/usr/bin/env bash
# The whole test suite: what `npm test` runs and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
# The other workspaces read @rebound/contract from its build: a fresh one, so an edit there is seen.
npm run build -w @rebound/contract
npm run typecheck --workspaces --if-present
npm test --workspaces --if-present
