#!/usr/bin/env bash
# Run a command (make test: the pytest suite) with the PostgreSQL and Redis the tests need.
#
#   scripts/with-test-services.sh COMMAND [ARGS...]
#
# PostgreSQL, the first that applies:
#   1. TEST_POSTGRES_URL, or DATABASE_URL when it is a PostgreSQL URL (tests/services.py reads
#      them; the tests create and drop databases of their own there, so the user needs CREATEDB);
#   2. the server on 127.0.0.1:5432, when one answers;
#   3. otherwise a private, throwaway server for this run: initdb into a temporary folder, on a
#      free port, listening on 127.0.0.1 only and trusting its connections.
# Redis likewise: TEST_REDIS_URL, or REDIS_URL (its database 15, which the tests empty); the
# server on 127.0.0.1:6379; otherwise a private redis-server on a free port, keeping nothing.
#
# A missing server program is installed with apt-get when we are root, as
# scripts/ensure-chromium.sh does for Chromium. Private servers are stopped and their folder
# deleted when COMMAND ends, however it ends, and COMMAND's exit status is this script's.
# TEST_SERVICES_POSTGRES_PORT and TEST_SERVICES_REDIS_PORT change the ports looked at on
# 127.0.0.1 (5432 and 6379); tests/test_test_services.py points them at dead ports.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

postgres_port="${TEST_SERVICES_POSTGRES_PORT:-5432}"
redis_port="${TEST_SERVICES_REDIS_PORT:-6379}"
workdir=""
pg_bin=""
pg_data=""
redis_pid=""
as_server_user=()

answers() {  # something listens on 127.0.0.1:$1
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  exec 3>&-
}

redis_answers() {  # a Redis on 127.0.0.1:$1 replies to PING
  local reply=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 2 reply <&3 || true
  exec 3>&-
  [[ $reply == +PONG* ]]
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install_package() {  # package, what it is for
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing $2 for the tests (apt-get install $1)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    echo "The tests need $2, and none is running: install it (apt-get install $1)," >&2
    echo "start one, or set $3 to one that is running." >&2
    exit 1
  fi
}

postgres_bin_dir() {  # the newest PostgreSQL server programs on this machine, if any
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  dir="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
  [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
  return 0
}

make_workdir() {
  [ -n "$workdir" ] && return
  workdir="$(mktemp -d "${TMPDIR:-/tmp}/tracker-test-services.XXXXXX")"
  # PostgreSQL refuses to run as root: as root, the server runs as the postgres user (which
  # Debian's package creates), and must be able to reach its folder.
  chmod 755 "$workdir"
}

start_postgres() {
  pg_bin="$(postgres_bin_dir)"
  if [ -z "$pg_bin" ]; then
    install_package postgresql "a PostgreSQL server" TEST_POSTGRES_URL
    pg_bin="$(postgres_bin_dir)"
  fi
  make_workdir
  local dir="$workdir/postgres" port locale_option=(--no-locale)
  mkdir "$dir"
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id -u postgres >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
    as_server_user=(runuser -u "$user" --)
  fi
  # The collation the machine's own clusters use on Debian: byte order, UTF-8 text.
  locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' && locale_option=(--locale=C.UTF-8)
  if ! "${as_server_user[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
      "${locale_option[@]}" --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    echo "Could not create a private PostgreSQL cluster in $dir (above)." >&2
    exit 1
  fi
  pg_data="$dir/data"
  port="$(free_port)"
  # Throwaway data: no fsync, no WAL safety; connections over TCP on 127.0.0.1 only.
  if ! "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off \
          -c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
    cat "$dir/server.log" >&2
    echo "Could not start the private PostgreSQL server (its log is above)." >&2
    exit 1
  fi
  export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL: none on 127.0.0.1:$postgres_port; started a private one for this run on" \
    "127.0.0.1:$port (deleted afterwards)."
}

start_redis() {
  if ! command -v redis-server >/dev/null; then
    install_package redis-server "a Redis server" TEST_REDIS_URL
  fi
  make_workdir
  local dir="$workdir/redis" port
  mkdir "$dir"
  port="$(free_port)"
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
    --logfile "$dir/redis.log" --daemonize no &
  redis_pid=$!
  for _ in $(seq 100); do
    redis_answers "$port" && break
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! redis_answers "$port"; then
    cat "$dir/redis.log" >&2 || true
    echo "Could not start the private Redis server (its log is above)." >&2
    exit 1
  fi
  export TEST_REDIS_URL="redis://127.0.0.1:$port/15"
  echo "Redis: none on 127.0.0.1:$redis_port; started a private one for this run on" \
    "127.0.0.1:$port (deleted afterwards)."
}

stop_services() {
  local status=$?
  if [ -n "$pg_data" ]; then
    "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 \
      || true
  fi
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -n "$workdir" ]; then
    rm -rf "$workdir"
  fi
  exit "$status"
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${TEST_POSTGRES_URL:-}" ] || [[ ${DATABASE_URL:-} == postgres* ]]; then
  echo "PostgreSQL: the one TEST_POSTGRES_URL or DATABASE_URL names."
elif answers "$postgres_port"; then
  export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$postgres_port/postgres"
  echo "PostgreSQL: the server on 127.0.0.1:$postgres_port."
else
  start_postgres
fi

if [ -n "${TEST_REDIS_URL:-}" ] || [ -n "${REDIS_URL:-}" ]; then
  echo "Redis: the one TEST_REDIS_URL or REDIS_URL names."
elif answers "$redis_port"; then
  export TEST_REDIS_URL="redis://127.0.0.1:$redis_port/15"
  echo "Redis: the server on 127.0.0.1:$redis_port."
else
  start_redis
fi

set +e
"$@"
status=$?
set -e
exit "$status"
