#!/usr/bin/env bash
# npm run demo
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node_modules/.bin/tsx scripts/demo.ts
