#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the tests use when they are installed but not running
# (`make services`, run by `make test`). Never fails: a service that cannot be had is reported,
# and the tests that need it skip with a message saying so.
set -u

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_PORT=${SERVICES_REDIS_PORT:-6379}

postgres_up() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
  else
    (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
  fi
}

redis_up() {
  if command -v redis-cli >/dev/null; then
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null
  fi
}

wait_until() {  # wait_until CHECK SECONDS
  for _ in $(seq 1 "$(( $2 * 5 ))"); do "$1" && return 0; sleep 0.2; done
  "$1"
}

start_postgres() {
  if postgres_up; then return; fi
  if ! command -v pg_ctlcluster >/dev/null || [ ! -d /etc/postgresql ]; then
    echo "PostgreSQL is not installed: tests marked postgresql will be skipped" \
      "(Debian: apt-get install postgresql)"
    return
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "Starting PostgreSQL $version (cluster main)..."
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  if wait_until postgres_up 20; then
    # The tests' database (STUDIO_TEST_POSTGRES_URL defaults to postgres@127.0.0.1/test).
    if command -v psql >/dev/null \
      && ! psql -h "$PG_HOST" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" \
        postgres 2>/dev/null | grep -q 1; then
      psql -h "$PG_HOST" -U postgres -qc "CREATE DATABASE test" postgres >/dev/null 2>&1 || true
    fi
  else
    echo "PostgreSQL $version did not start (see /var/log/postgresql/):" \
      "tests marked postgresql will be skipped"
  fi
}

start_redis() {
  if redis_up; then return; fi
  if ! command -v redis-server >/dev/null; then
    echo "Redis is not installed: tests that need it will be skipped (Debian: apt-get install redis-server)"
    return
  fi
  echo "Starting Redis on 127.0.0.1:$REDIS_PORT..."
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 || true
  wait_until redis_up 10 || echo "Redis did not start (see /var/log/redis/ci.log): tests that need it will be skipped"
}

start_postgres
start_redis
exit 0
