#!/usr/bin/env bash
# Installs (as root, when missing) and starts throw-away PostgreSQL and Redis servers on loopback
# for the test suite, or stops them.  Usage: test-services.sh start|stop STATE_DIR
set -euo pipefail
action=${1:?start or stop}
state=${2:?state directory}
pg_port=${OPENMSK_TEST_PG_PORT:-54329}
redis_port=${OPENMSK_TEST_REDIS_PORT:-63799}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_missing() {
  local wanted=()
  [ -n "$(pg_bin)" ] || wanted+=(postgresql)
  command -v redis-server >/dev/null || wanted+=(redis-server)
  command -v chromium >/dev/null || wanted+=(chromium chromium-driver)
  command -v ffmpeg >/dev/null || wanted+=(ffmpeg)
  command -v pdftoppm >/dev/null || wanted+=(poppler-utils)
  [ ${#wanted[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "test-services: missing ${wanted[*]} and not root; install them or the tests needing them fail" >&2
    return 0
  fi
  echo "test-services: installing ${wanted[*]} from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >&2
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  install_missing
  rm -rf "$state" && mkdir -p "$state"
  local bin; bin=$(pg_bin)
  if [ -n "$bin" ]; then
    mkdir -p "$state/pg"
    [ "$(id -u)" = 0 ] && chown -R postgres "$state" && chmod 755 "$state"
    as_postgres "$bin/initdb" -D "$state/pg/data" -U postgres -A trust --no-sync >"$state/pg/initdb.log" 2>&1
    as_postgres "$bin/pg_ctl" -D "$state/pg/data" -l "$state/pg/server.log" -w -o \
      "-p $pg_port -k $state/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >&2
    echo "export OPENMSK_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$pg_port/postgres"
  fi
  if command -v redis-server >/dev/null; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --dir "$state" --pidfile "$state/redis.pid" --logfile "$state/redis.log"
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    echo "export OPENMSK_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
  fi
  command -v chromium >/dev/null && echo "export OPENMSK_CHROMIUM=$(command -v chromium)"
  return 0
}

stop() {
  local bin; bin=$(pg_bin)
  if [ -n "$bin" ] && [ -d "$state/pg/data" ]; then
    as_postgres "$bin/pg_ctl" -D "$state/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -f "$state/redis.pid" ]; then kill "$(cat "$state/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$state"
}

"$action"
