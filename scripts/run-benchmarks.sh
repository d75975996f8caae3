#!/usr/bin/env bash
# Runs every benchmark in bench/ in quick mode; each prints one JSON document with its ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
for script in bench/*.py; do
  name=$(basename "$script" .py)
  echo "== $name" >&2
  .venv/bin/python "$script" --quick --json | tee "bench/results/$name.json"
done
