#!/usr/bin/env bash
# scripts/run's configuration (scripts/lib/run-config.sh): defaults from
# config/provisio.conf, a file's values over them, the environment over both,
# and a clear error for a typo or a line that is not KEY=value. No services.
#
#   tests/run/config_test.sh
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh"
source "$PROVISIO_ROOT/scripts/lib/run-config.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    log "FAILED: $1: expected '$3', got '$2'"
    failures=$((failures + 1))
  fi
}
# load KEY... : loads in a clean subshell and prints each KEY's value.
load() {
  local file=$1
  shift
  (
    for key in "$@"; do unset "$key"; done
    eval "$PRELOAD"
    load_run_config "$file"
    for key in "$@"; do printf '%s|' "${!key}"; done
  )
}

cat >"$work/site.conf" <<'CONF'
# a deployment's file: only what differs
TEMPORAL_ADDRESS=temporal.internal:7233   # trailing comment
PROVISIO_PARTS=worker,runner
PROVISIO_DATABASE=host=pg.internal dbname=platform user=provisio
CONF

PRELOAD=""
expect_eq "defaults" "$(load "$PROVISIO_ROOT/config/provisio.conf" PROVISIO_PARTS TEMPORAL_DEV_PORT TEMPORAL_ADDRESS)" \
  "api,worker,runner|7233||"
expect_eq "the file over the defaults" \
  "$(load "$work/site.conf" TEMPORAL_ADDRESS PROVISIO_PARTS PROVISIO_DATABASE TEMPORAL_NAMESPACE)" \
  "temporal.internal:7233|worker,runner|host=pg.internal dbname=platform user=provisio|default|"
PRELOAD="export PROVISIO_PARTS=api TEMPORAL_NAMESPACE="
expect_eq "the environment over the file, an empty variable included" \
  "$(load "$work/site.conf" PROVISIO_PARTS TEMPORAL_NAMESPACE TEMPORAL_ADDRESS)" "api||temporal.internal:7233|"
PRELOAD=""

# The file is data: nothing in it runs.
printf 'PROVISIO_WEBHOOK_URL=$(touch %s/ran)\n' "$work" >"$work/inert.conf"
expect_eq "no expansion" "$(load "$work/inert.conf" PROVISIO_WEBHOOK_URL)" "\$(touch $work/ran)|"
[[ ! -e "$work/ran" ]] || { log "FAILED: a value was run as shell"; failures=$((failures + 1)); }

echo "TEMPORAL_ADRESS=x" >"$work/typo.conf"
message=$( (load_run_config "$work/typo.conf") 2>&1 || true)
[[ "$message" == *"typo.conf:1: unknown setting TEMPORAL_ADRESS"* ]] ||
  { log "FAILED: a typo: $message"; failures=$((failures + 1)); }
echo "just words" >"$work/bad.conf"
message=$( (load_run_config "$work/bad.conf") 2>&1 || true)
[[ "$message" == *"bad.conf:1: expected KEY=value"* ]] ||
  { log "FAILED: a bad line: $message"; failures=$((failures + 1)); }
message=$( (load_run_config "$work/absent.conf") 2>&1 || true)
[[ "$message" == *"absent.conf does not exist"* ]] ||
  { log "FAILED: a missing file: $message"; failures=$((failures + 1)); }

((failures == 0)) || die "$failures check(s) failed"
log "PASSED: defaults, file, environment, inert values, and the three errors"
