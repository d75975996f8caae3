#!/usr/bin/env bash
# The whole suite against SQLite and PostgreSQL, with Redis and Chromium: what `make test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d /tmp/openmsk-test-services.XXXXXX)
trap 'scripts/test-services.sh stop "$state"' EXIT
eval "$(scripts/test-services.sh start "$state")"
export OPENMSK_REQUIRE_SERVICES=${OPENMSK_REQUIRE_SERVICES:-1}
# The FHIR peer server's npm packages, installed once here rather than racing in parallel workers.
if command -v npm >/dev/null && [ ! -d tests/peers/node_modules ]; then
  (cd tests/peers && npm ci --no-audit --no-fund >&2) || echo "npm ci failed in tests/peers" >&2
fi
set +e
# One worker per core: every test database, browser and server port is per worker.
.venv/bin/python -m pytest -n "${OPENMSK_TEST_WORKERS:-$(nproc)}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then echo "no tests were collected" >&2; status=1; fi
exit "$status"
