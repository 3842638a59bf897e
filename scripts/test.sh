#!/usr/bin/env bash
# npm test: type-check, format and lint check, the unit tests, then the integration tests (the
# secured-connection tests among them) against the embedded stack once per search engine:
# Elasticsearch 7.10.2, then OpenSearch 2.19.1. SHOP_TEST_ENGINES=opensearch (or elasticsearch)
# picks one. Servers this script started are stopped again afterwards (KEEP_STACK=1 keeps them);
# each engine is stopped once its run is over, so the two never hold memory at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
tsx=node_modules/.bin/tsx
node_modules/.bin/tsc --noEmit
node_modules/.bin/biome ci --reporter=summary . >&2 || { echo "formatting or lint errors: npm run lint shows them, npm run format fixes what it can" >&2; exit 1; }

IFS=', ' read -r -a engines <<< "${SHOP_TEST_ENGINES:-elasticsearch,opensearch}"
for engine in "${engines[@]}"; do
  case "$engine" in elasticsearch | opensearch) ;; *) echo "SHOP_TEST_ENGINES: unknown engine \"$engine\" (elasticsearch, opensearch)" >&2; exit 2 ;; esac
done
keep=${KEEP_STACK:-0}
# What was already running stays running: an engine whose whole stack answered before the run.
to_stop=()
for engine in "${engines[@]}"; do
  if ! SHOP_STACK_ENGINE=$engine $tsx stack/cli.ts status >/dev/null 2>&1; then to_stop+=("$engine"); fi
done
stop_shared=0
if [ ${#to_stop[@]} -eq ${#engines[@]} ]; then stop_shared=1; fi
# An engine goes down with the secured node its tests start beside it (OpenSearch's own security).
down_engine() {
  $tsx stack/cli.ts down "$1"
  if [ "$1" = opensearch ]; then $tsx stack/cli.ts down opensearch-secured; fi
}
stop_stack() {
  if [ "$keep" = 1 ]; then return; fi
  for engine in "${to_stop[@]}"; do down_engine "$engine"; done
  if [ "$stop_shared" = 1 ]; then $tsx stack/cli.ts down kafka redis redis-secured; fi
}
trap stop_stack EXIT

run_tests() {
  # One file at a time: the reliability test pauses and restarts shared servers.
  node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-timeout=300000 --test-force-exit "$@"
}

mapfile -t unit < <(find test/unit -name '*.test.ts' | sort)
run_tests "${unit[@]}"
mapfile -t integration < <(find test -maxdepth 1 -name '*.test.ts' | sort)
for engine in "${engines[@]}"; do
  echo "=== integration tests on $engine" >&2
  export SHOP_STACK_ENGINE=$engine
  $tsx stack/cli.ts up
  run_tests "${integration[@]}"
  if [ "$keep" != 1 ] && [[ " ${to_stop[*]} " == *" $engine "* ]]; then down_engine "$engine"; fi
done
