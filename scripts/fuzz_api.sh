#!/usr/bin/env bash
# Fuzz the whole REST API with schemathesis (from the lock file) as a province administrator and
# as a county official, against the platform served on the embedded default with the demo data.
# Fails on any server error. Used by .ci/run; run it alone with `bash scripts/fuzz_api.sh`.
#
# Each role gets its own copy of the demo database and its own server: the province run may
# legitimately deactivate the county account, which would silently turn the county run into 401s.
# Schemathesis runs one worker per process (CPython 3.11's ast module is not safe to use from
# several threads at once, which schemathesis' workers do); the two roles run side by side.
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES="${FUZZ_EXAMPLES:-30}"
BASE_PORT="${FUZZ_PORT:-8765}"
WORK="$(mktemp -d /tmp/bqw-fuzz.XXXXXX)"
unset DATABASE_URL CELERY_BROKER_URL  # the embedded default: SQLite, jobs in-process
export BQW_RATE_LIMITS=off  # thousands of writes a minute from one token are the point here
BQW=.venv/bin/bqw
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

export BQW_VAR_DIR="$WORK/seed"
mkdir -p "$BQW_VAR_DIR"
$BQW migrate --noinput -v0
$BQW regions load >/dev/null
$BQW industries load >/dev/null
$BQW plan load >/dev/null
$BQW indicators load >/dev/null
$BQW demo --if-empty >/dev/null
$BQW match rebuild >/dev/null

fuzz() {  # account port
  local account="$1" port="$2" dir="$WORK/$1"
  cp -r "$WORK/seed" "$dir"
  local token
  token="$(BQW_VAR_DIR="$dir" $BQW token create --user "$account" --name "接口模糊测试" --days 1)"
  BQW_VAR_DIR="$dir" .venv/bin/gunicorn baiqianwan.wsgi:application --bind "127.0.0.1:$port" \
    --workers 1 --threads 4 --timeout 120 --log-level warning >"$dir/server.log" 2>&1 &
  local server=$!
  local status=0
  .venv/bin/schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --wait-for-schema 60 \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error \
    --phases coverage,fuzzing \
    --max-examples "$EXAMPLES" \
    --seed 20261206 \
    --workers 1 \
    --request-timeout 60 \
    --generation-with-security-parameters false \
    --no-color --warnings off >"$dir/fuzz.log" 2>&1 || status=$?
  kill "$server" 2>/dev/null || true
  echo "== schemathesis as $account ($EXAMPLES examples per operation)"
  sed -n '/SUMMARY/,$p' "$dir/fuzz.log"
  if [ "$status" -ne 0 ]; then
    cat "$dir/fuzz.log"
    echo "服务器日志（$account）：" >&2
    grep -B2 -A30 "Traceback" "$dir/server.log" | head -200 >&2 || true
  fi
  return "$status"
}

fuzz gd_admin "$BASE_PORT" & PIDS+=($!)
fuzz dabu_county "$((BASE_PORT + 1))" & PIDS+=($!)
status=0
for pid in "${PIDS[@]}"; do wait "$pid" || status=1; done
PIDS=()
[ "$status" -eq 0 ] && echo "接口模糊测试：两个角色均未出现服务器错误"
exit "$status"
