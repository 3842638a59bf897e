#!/usr/bin/env bash
# npm test: type-check, format and lint check, then every test (unit and integration) against the embedded stack,
# which is started when it is not running and stopped again afterwards if this script started it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
tsx=node_modules/.bin/tsx
node_modules/.bin/tsc --noEmit
node_modules/.bin/biome ci --reporter=summary . >&2 || { echo "formatting or lint errors: npm run lint shows them, npm run format fixes what it can" >&2; exit 1; }
started_here=0
if ! $tsx stack/cli.ts status >/dev/null 2>&1; then started_here=1; fi
stop_stack() { if [ "$started_here" = 1 ] && [ "${KEEP_STACK:-0}" != 1 ]; then $tsx stack/cli.ts down; fi; }
trap stop_stack EXIT
$tsx stack/cli.ts up
mapfile -t files < <(find test -name '*.test.ts' | sort)
# One file at a time: the reliability test pauses and restarts shared servers.
node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-timeout=300000 --test-force-exit "${files[@]}"
