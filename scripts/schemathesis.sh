#!/usr/bin/env bash
# Fuzz the live service against its own OpenAPI document with schemathesis.
#
# Starts the release binary (`ebo serve`) on a throwaway SQLite database, creates an
# administrator and users, and runs schemathesis over every operation of /api/openapi.json
# with a bearer token, as the administrator and again as a user. The default checks: no 5xx,
# and every status code, content type, header and body is one the document declares;
# FUZZ_CHECKS=all adds the rest (valid data accepted, invalid data refused, authentication
# enforced, …; the exceptions a schema cannot state are in scripts/schemathesis.toml). Exits
# non-zero on any failure (and prints the reproduction schemathesis gives).
#
# Usage: scripts/schemathesis.sh [extra schemathesis arguments...]
#
# Environment:
#   FUZZ_MAX_EXAMPLES  test cases per operation and phase (default 20; CI uses 3)
#   FUZZ_SEED          random seed, for a reproducible run (default: a new one)
#   FUZZ_WORKERS       concurrent schemathesis workers (default 1: with 2, CPython 3.11's
#                      AST depth check races across threads, cpython#106905, and
#                      hypothesis' lambda descriptions then fail as a "Runtime Error"
#                      about once in four runs; one worker costs seconds)
#   FUZZ_PHASES        schemathesis phases (default examples,coverage,fuzzing,stateful)
#   FUZZ_BIN           a built `ebo` binary (default: cargo build --release, then
#                      ${CARGO_TARGET_DIR:-target}/release/ebo)
#   FUZZ_REPORT_DIR    where the JUnit/NDJSON reports go (default target/schemathesis)
#   FUZZ_CHECKS        schemathesis checks (default: the five below; `all` for every check)
#   FUZZ_AS_USER       1 (default): a second pass over every operation as an ordinary user
#   FUZZ_POSTGRES_URL  fuzz on a new database of this PostgreSQL server (for example
#                      postgres://postgres@127.0.0.1:5432/test) instead of SQLite
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
WORKERS="${FUZZ_WORKERS:-1}"
PHASES="${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}"
REPORT_DIR="${FUZZ_REPORT_DIR:-target/schemathesis}"
SCHEMATHESIS_VERSION="4.32.5"
CHECKS="${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance}"

VENV=target/fuzz-venv
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  echo "==> installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

BIN="${FUZZ_BIN:-}"
DB_NAME=fuzz.db
THROWAWAY_POSTGRES_URL="${FUZZ_POSTGRES_URL:-}"
# shellcheck source=scripts/lib/throwaway-service.sh
source scripts/lib/throwaway-service.sh
# Long-lived tokens: a long run must not turn into a run of 401s halfway.
export EBO_AUTH__ACCESS_TOKEN_TTL_SECS=86400
export EBO_AUTH__REFRESH_TOKEN_TTL_SECS=172800

PASSWORD="Fuzz-Passw0rd-$RANDOM"
"$BIN" migrate >/dev/null
printf '%s\n' "$PASSWORD" |
  "$BIN" user create-admin --email fuzz-admin@example.com --username fuzz-admin --password-stdin >/dev/null

start_service

# token LOGIN: an access token for LOGIN.
token() {
  curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
for name in fuzz-user fuzz-leaver; do
  curl -fsS -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"$name@example.com\",\"username\":\"$name\",\"password\":\"$PASSWORD\"}" >/dev/null
done
ADMIN_TOKEN="$(token fuzz-admin)"
USER_TOKEN="$(token fuzz-user)"
LEAVER_TOKEN="$(token fuzz-leaver)"

mkdir -p "$REPORT_DIR"
SEED_ARGS=()
if [ -n "${FUZZ_SEED:-}" ]; then SEED_ARGS=(--seed "$FUZZ_SEED"); fi

# run NAME TOKEN ARGS...: one schemathesis pass, its NDJSON events kept for the count.
run() {
  local name=$1 token=$2; shift 2
  echo "==> schemathesis: $name"
  "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "$BASE/api/openapi.json" \
    --url "$BASE/api/v1" \
    -H "Authorization: Bearer $token" \
    --checks "$CHECKS" \
    --phases "${RUN_PHASES:-$PHASES}" \
    --max-examples "$MAX_EXAMPLES" \
    --workers "$WORKERS" \
    --generation-database none \
    --suppress-health-check all \
    --no-color \
    --report junit,ndjson \
    --report-junit-path "$REPORT_DIR/$name.xml" \
    --report-ndjson-path "$REPORT_DIR/$name.ndjson" \
    "${SEED_ARGS[@]}" "$@"
}

status=0
# Every operation as the administrator, then again as an ordinary user (administrator-only
# operations answer 403 there), except logout (it would end the session a pass uses), which
# gets its own pass with a second user's token.
run admin "$ADMIN_TOKEN" --exclude-path-regex '/auth/logout$' "$@" || status=$?
if [ "${FUZZ_AS_USER:-1}" = 1 ]; then
  run user "$USER_TOKEN" --exclude-path-regex '/auth/logout$' "$@" || status=$?
fi
# The stateful phase follows the document's links, which all lead away from logout: that pass
# runs without it.
LOGOUT_PHASES="$(printf '%s' "$PHASES" | tr ',' '\n' | { grep -vx stateful || true; } | paste -sd, -)"
if [ -n "$LOGOUT_PHASES" ]; then
  RUN_PHASES="$LOGOUT_PHASES" run logout "$LEAVER_TOKEN" --include-path-regex '/auth/logout$' "$@" || status=$?
fi

if [ "$status" -ne 0 ]; then
  echo "FAILED: schemathesis found problems (reports in $REPORT_DIR; server log below)" >&2
  tail -n 50 "$WORK/server.log" >&2
  exit "$status"
fi
echo "schemathesis: no failures (reports in $REPORT_DIR)"
