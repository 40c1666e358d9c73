# Throwaway services for tests: a PostgreSQL cluster and the moto S3 server,
# each on a free loopback port with its files in a directory of the caller's.
# Sourced after common.sh and iac.sh, not run. Each start_* records the pid it
# started; each stop_* ends only that pid.

# start_postgres DIR: initdb in DIR/pg, start it on a free port, and export
# PROVISIO_TEST_PG_HOST/PORT/USER/PASSWORD (a superuser; password
# authentication over TCP, so that the tests' role passwords are really checked).
# A cluster DIR/pg already holds (scripts/run's, from an earlier start) is
# started again as it is, with its password.
start_postgres() {
  local dir=$1/pg
  mkdir -p "$dir"
  local reuse=0
  if [[ -f "$dir/data/PG_VERSION" && -s "$1/pg-password" ]]; then
    reuse=1
    PROVISIO_TEST_PG_PASSWORD=$(<"$1/pg-password")
  else
    rm -rf "$dir/data"
    PROVISIO_TEST_PG_PASSWORD=$(openssl rand -hex 16)
    printf '%s\n' "$PROVISIO_TEST_PG_PASSWORD" >"$1/pg-password"
  fi
  # initdb and postgres refuse to run as root: as root, the cluster belongs to
  # the postgres system user (Debian's package creates it).
  local as=()
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$dir" "$1/pg-password"
    chmod 755 "$1"
    as=(runuser -u postgres --)
  fi
  if ((!reuse)); then
    "${as[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$1/pg-password" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  PROVISIO_TEST_PG_PORT=$(free_port)
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PROVISIO_TEST_PG_PORT -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
  PG_TEST_DATA="$dir/data"
  PG_TEST_AS=("${as[@]}")
  export PROVISIO_TEST_PG_HOST=127.0.0.1 PROVISIO_TEST_PG_PORT PROVISIO_TEST_PG_USER=postgres PROVISIO_TEST_PG_PASSWORD
}

stop_postgres() {
  [[ -n "${PG_TEST_DATA:-}" ]] || return 0
  "${PG_TEST_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TEST_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  PG_TEST_DATA=""
}

# start_moto DIR: the moto server on a free port; exports PROVISIO_TEST_S3_ENDPOINT.
start_moto() {
  local port
  port=$(free_port)
  "$MOTO_SERVER" -H 127.0.0.1 -p "$port" >"$1/moto.log" 2>&1 &
  MOTO_PID=$!
  local deadline=$((SECONDS + 60))
  until curl -fs -o /dev/null "http://127.0.0.1:$port/moto-api/"; do
    kill -0 "$MOTO_PID" 2>/dev/null || { cat "$1/moto.log" >&2; die "the moto server exited"; }
    ((SECONDS < deadline)) || die "the moto server did not answer within 60 s"
    sleep 0.2
  done
  export PROVISIO_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
}

stop_moto() {
  [[ -n "${MOTO_PID:-}" ]] || return 0
  kill -TERM "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
  MOTO_PID=""
}
