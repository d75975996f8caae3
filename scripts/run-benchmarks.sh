#!/usr/bin/env bash
# Runs every benchmark in bench/ in quick mode; each prints one JSON document with its ratio.
# PostgreSQL and Redis are started as for the tests (unless a PostgreSQL URL is given), so the
# PostgreSQL figures (FHIR import, escalation latency) are measured too.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${OPENMSK_TEST_POSTGRES_URL:-}" ]; then
  state=$(mktemp -d /tmp/openmsk-bench-services.XXXXXX)
  trap 'scripts/test-services.sh stop "$state"' EXIT
  eval "$(scripts/test-services.sh start "$state")"
fi
mkdir -p bench/results
for script in bench/*.py; do
  name=$(basename "$script" .py)
  echo "== $name" >&2
  .venv/bin/python "$script" --quick --json | tee "bench/results/$name.json"
done
