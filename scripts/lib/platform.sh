# The platform as scripts/run starts it, for the scripts that test or measure
# it (tests/run/walkthrough.sh, scripts/fuzz-api, bench/api/run). Sourced
# after common.sh, not run.

# start_platform DIR: `scripts/run --no-build` on free ports, its state in
# DIR/run and its output in DIR/run.out; waits (180 s at most) for run.env and
# sources it (PROVISIO_URL, the demo users, ...). PLATFORM_PID is scripts/run's
# pid. DIR must be reachable by the postgres user when we are root.
start_platform() {
  local dir=$1
  setsid "$PROVISIO_ROOT/scripts/run" --state-dir "$dir/run" --api-port 0 --temporal-port 0 \
    --temporal-ui-port 0 --no-build >"$dir/run.out" 2>&1 &
  PLATFORM_PID=$!
  local deadline=$((SECONDS + 180))
  until [[ -f "$dir/run/run.env" ]]; do
    kill -0 "$PLATFORM_PID" 2>/dev/null || die "scripts/run exited before it was ready"
    ((SECONDS < deadline)) || die "scripts/run was not ready within 180 s"
    sleep 0.5
  done
  # shellcheck disable=SC1091
  source "$dir/run/run.env"
}

# stop_platform: SIGTERM to scripts/run (it stops what it started), then waits.
stop_platform() {
  [[ -n "${PLATFORM_PID:-}" ]] || return 0
  kill -TERM "$PLATFORM_PID" 2>/dev/null || true
  wait "$PLATFORM_PID" 2>/dev/null || true
  PLATFORM_PID=""
}
