#!/usr/bin/env bash
# The whole suite against SQLite and PostgreSQL, with Redis and Chromium: what `make test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d /tmp/openmsk-test-services.XXXXXX)
trap 'scripts/test-services.sh stop "$state"' EXIT
eval "$(scripts/test-services.sh start "$state")"
export OPENMSK_REQUIRE_SERVICES=${OPENMSK_REQUIRE_SERVICES:-1}
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then echo "no tests were collected" >&2; status=1; fi
exit "$status"
