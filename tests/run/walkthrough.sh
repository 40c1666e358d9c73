#!/usr/bin/env bash
# The platform as a newcomer gets it: `scripts/run` on a fresh state folder,
# then the README's curl walkthrough against it. Run by scripts/test (after
# the build, so with --no-build); needs nothing running.
#
#   tests/run/walkthrough.sh
#
# Asserts: scripts/run becomes ready and prints the URL and the demo users;
# alice requests a static site (the reference demo's resources); the request
# waits for authorization; alice herself cannot approve (403); bob approves
# the plan he read; the requester's long-poll reaches PROVISIONED; the bucket
# and its index.html exist in moto with the greeting; a second request is
# rejected and ends REJECTED; SIGTERM (what Ctrl-C's SIGINT does in a terminal;
# a background job's SIGINT is ignored, by POSIX) stops every process
# scripts/run started and removes run.env.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/common.sh"
source "$PROVISIO_ROOT/scripts/lib/platform.sh"

state=$(mktemp -d "${TMPDIR:-/tmp}/provisio-run-test.XXXXXX")
chmod 755 "$state"  # PostgreSQL runs as its own user when we are root
finish() {
  local status=$?
  stop_platform
  ((status == 0)) || { log "scripts/run's output:"; tail -n 40 "$state/run.out" >&2 || true; }
  rm -rf "$state"
  exit "$status"
}
trap finish EXIT
fail() { die "FAILED: $*"; }

start_platform "$state"
grep -q "^Provisio is up: $PROVISIO_URL\$" "$state/run.out" || fail "the URL is not printed"
grep -q "^  bob .*$PROVISIO_DEMO_BOB_PASSWORD" "$state/run.out" || fail "the demo users are not printed"
log "scripts/run ready at $PROVISIO_URL"

api=$PROVISIO_URL
jar() { echo "$state/$1.jar"; }
# sign_in USER PASSWORD: keeps the cookie in USER's jar, prints the CSRF token.
sign_in() {
  curl -fsS -c "$(jar "$1")" -H "Origin: $api" -H 'Content-Type: application/json' \
    -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$api/api/session" | jq -r .csrfToken
}
# post USER CSRF PATH BODY: prints "STATUS BODY".
post() {
  curl -sS -b "$(jar "$1")" -H "Origin: $api" -H "X-CSRF-Token: $2" -H 'Content-Type: application/json' \
    -w '\n%{http_code}' -d "$4" "$api$3"
}
get() { curl -fsS -b "$(jar "$1")" "$api$2"; }
# wait_for USER ID STATUS...: long-polls until the request's status is one of STATUS.
wait_for() {
  local user=$1 id=$2 version=0 reply status deadline=$((SECONDS + 240))
  shift 2
  while ((SECONDS < deadline)); do
    reply=$(get "$user" "/api/applications/$id?waitAfterVersion=$version")
    version=$(jq -r .version <<<"$reply")
    status=$(jq -r .state.status <<<"$reply")
    for wanted in "$@"; do [[ "$status" == "$wanted" ]] && { echo "$reply"; return 0; }; done
    case "$status" in FAILED | REJECTED | ROLLED_BACK | CANCELLED | AUTHORIZATION_TIMED_OUT)
      fail "request $id ended $status while waiting for $*: $(jq -c .state <<<"$reply")" ;;
    esac
  done
  fail "request $id did not reach $* within 240 s (last: $status)"
}

alice_csrf=$(sign_in alice "$PROVISIO_DEMO_ALICE_PASSWORD")
bob_csrf=$(sign_in bob "$PROVISIO_DEMO_BOB_PASSWORD")

bucket="walkthrough-$(openssl rand -hex 4)"
created=$(post alice "$alice_csrf" /api/applications \
  "{\"team\":\"payments\",\"application\":\"docs-site\",\"template\":\"static-site\",\"parameters\":{\"bucket_name\":\"$bucket\",\"team\":\"payments\",\"greeting\":\"Hello from the walkthrough\"},\"approvers\":[\"bob\"]}")
[[ "$(tail -n 1 <<<"$created")" == 201 ]] || fail "the request was not created: $created"
id=$(head -n 1 <<<"$created" | jq -r .id)
log "alice requested $id"

waiting=$(wait_for alice "$id" AWAITING_AUTHORIZATION)
plan=$(jq -r .state.planHash <<<"$waiting")
[[ "$plan" =~ ^[0-9a-f]{64}$ ]] || fail "no plan hash in $(jq -c .state <<<"$waiting")"
[[ "$(jq -c .state.approvers <<<"$waiting")" == '["bob"]' ]] ||
  fail "bob is not the named authorizer: $(jq -c .state <<<"$waiting")"
[[ -n "$(jq -r '.state.authorizationDeadline // empty' <<<"$waiting")" ]] ||
  fail "no authorization deadline in $(jq -c .state <<<"$waiting")"

refused=$(post alice "$alice_csrf" "/api/applications/$id/authorize" \
  "{\"decision\":\"approve\",\"planHash\":\"$plan\",\"reason\":\"my own\"}")
[[ "$(tail -n 1 <<<"$refused")" == 403 ]] || fail "the requester's own approval was not refused: $refused"

approved=$(post bob "$bob_csrf" "/api/applications/$id/authorize" \
  "{\"decision\":\"approve\",\"planHash\":\"$plan\",\"reason\":\"read the plan\",\"confirmStatefulChanges\":true}")
[[ "$(tail -n 1 <<<"$approved")" == 200 ]] || fail "bob's approval failed: $approved"
log "bob approved plan ${plan:0:12}"

done_state=$(wait_for alice "$id" PROVISIONED)
[[ "$(jq -r .state.outputs.bucket <<<"$done_state")" == "$bucket" ]] ||
  fail "the outputs do not name the bucket: $(jq -c .state.outputs <<<"$done_state")"
# Read back through boto3 (moto's own dependency, in our venv), signed like
# any S3 client: moto refuses anonymous reads of a private object.
index=$(AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "$PROVISIO_VENV/bin/python" -c '
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
print(s3.get_object(Bucket=sys.argv[2], Key="index.html")["Body"].read().decode())
' "$PROVISIO_S3_ENDPOINT" "$bucket") || fail "no index.html in moto's bucket $bucket"
grep -q "Hello from the walkthrough" <<<"$index" || fail "index.html lacks the greeting: $index"
# The site is public: its index_url output serves the page to anyone.
index_url=$(jq -r '.state.outputs.index_url // empty' <<<"$done_state")
[[ "$index_url" == "$PROVISIO_S3_ENDPOINT/$bucket/index.html" ]] ||
  fail "index_url is \"$index_url\", not $PROVISIO_S3_ENDPOINT/$bucket/index.html"
curl -fsS "$index_url" | grep -q "Hello from the walkthrough" ||
  fail "an unsigned GET of $index_url did not serve the page"
log "PROVISIONED: s3://$bucket/index.html is in moto, and $index_url serves it"

second=$(post alice "$alice_csrf" /api/applications \
  "{\"team\":\"payments\",\"application\":\"scratch\",\"template\":\"local-site\",\"parameters\":{\"site_name\":\"scratch\"}}")
[[ "$(tail -n 1 <<<"$second")" == 201 ]] || fail "the second request was not created: $second"
second_id=$(head -n 1 <<<"$second" | jq -r .id)
second_plan=$(wait_for alice "$second_id" AWAITING_AUTHORIZATION | jq -r .state.planHash)
rejected=$(post bob "$bob_csrf" "/api/applications/$second_id/authorize" \
  "{\"decision\":\"reject\",\"planHash\":\"$second_plan\",\"reason\":\"not this quarter\"}")
[[ "$(tail -n 1 <<<"$rejected")" == 200 ]] || fail "bob's rejection failed: $rejected"
final=$(get alice "/api/applications/$second_id?waitAfterVersion=0")
for _ in {1..20}; do
  [[ "$(jq -r .state.status <<<"$final")" == REJECTED ]] && break
  final=$(get alice "/api/applications/$second_id?waitAfterVersion=$(jq -r .version <<<"$final")")
done
[[ "$(jq -r .state.status <<<"$final")" == REJECTED ]] || fail "the rejected request is $(jq -r .state.status <<<"$final")"
log "the second request was rejected"

# The provisioning worker serves the SDK's worker metrics for Prometheus.
metrics_url=$(sed -n 's/^PROVISIO_WORKER_METRICS_URLS=\([^ ]*\).*/\1/p' "$state/run/run.env")
[[ -n "$metrics_url" ]] || fail "run.env names no worker metrics URL"
worker_metrics=$(curl -fsS "$metrics_url") || fail "the worker's metrics did not answer at $metrics_url"
for series in 'temporal_worker_task_slots_available{worker_type="WorkflowWorker",task_queue="provisio"}' \
  'temporal_worker_task_slots_used{worker_type="ActivityWorker",task_queue="provisio"}' \
  'temporal_long_request_latency_count{operation="PollWorkflowTaskQueue",task_queue="provisio"}' \
  'temporal_workflow_task_schedule_to_start_latency_count{task_queue="provisio",workflow_type="ProvisionApplication"}' \
  'temporal_sticky_cache_size{task_queue="provisio"}'; do
  grep -qF "$series " <<<"$worker_metrics" || fail "the worker's metrics lack $series"
done
log "the worker serves its metrics ($(grep -c '^temporal_' <<<"$worker_metrics") series)"

# Stopping it stops everything it started.
started=$(grep -ho 'pid [0-9]*' "$state/run.out" | awk '{print $2}')
stop_platform
# (A server that has just exited may be a zombie for a moment, until its
# reaper collects it: a process counts as running while it is not a zombie.)
running() { [[ -e "/proc/$1" ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
for pid in $started; do
  running "$pid" && fail "process $pid that scripts/run started still runs after the stop"
done
[[ ! -f "$state/run/run.env" ]] || fail "run.env is still there after the stop"
[[ ! -f "$state/run/pg/data/postmaster.pid" ]] || fail "PostgreSQL still runs after the stop"
grep -q "stopped everything it started" "$state/run.out" || fail "scripts/run did not report its stop"
log "PASSED: the walkthrough, and the stop ended the $(wc -w <<<"$started") processes scripts/run started"
