#!/usr/bin/env bash
# `npm run lint`: ESLint (eslint.config.mjs) and Prettier (.prettierrc.json) over every workspace.
# scripts/format-all.sh fixes what they can.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
npx eslint . || status=1
npx prettier --check --log-level warn . || status=1
[ "$status" -eq 0 ] && echo "lint: ESLint and Prettier find nothing"
exit "$status"
