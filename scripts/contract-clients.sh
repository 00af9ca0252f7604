#!/usr/bin/env bash
# Prove the OpenAPI document is a contract clients can be built on.
#
#   1. Spectral (spectral:oas plus clients/.spectral.yaml's rules) reports no error and no warning.
#   2. openapi-typescript generates the types (no warning); clients/ts/smoke.ts, a typed program
#      over them with openapi-fetch, passes `tsc --noEmit` (strict).
#   3. openapi-python-client generates a client (no warning).
#   4. On the service (`ebo serve` on a throwaway SQLite database, with a user, one of their runs
#      and a feature), both smoke programs log in, list the runs (the seeded one is there) and
#      read the feature (its name checked): clients/ts/smoke.ts compiled and run with node,
#      clients/python/smoke.py with the generated package.
# Every step runs even when an earlier check failed (when it can), and prints its time; the
# script exits non-zero if any step failed, listing them. Generated code and tools live under
# target/ (target/clients/, target/clients-venv/) and clients/node_modules/, never committed.
#
# Usage: scripts/contract-clients.sh
#
# Environment:
#   CONTRACT_SPEC        the document to check (default: /api/openapi.json of the service this
#                        script starts, saved as target/clients/openapi.json); e.g. docs/openapi.json
#   CONTRACT_NO_SERVICE  1: with CONTRACT_SPEC, only lint, generate and type-check; no service,
#                        no smoke runs (no `ebo` needed)
#   CLIENTS_BIN          a built `ebo` binary (default: cargo build --release, then
#                        ${CARGO_TARGET_DIR:-target}/release/ebo)
#
# Needs node ≥ 20.17 with npm (clients/package-lock.json: Spectral, openapi-typescript,
# openapi-fetch, TypeScript; installed with `npm ci` when the lock file changed) and python3
# (clients/python/requirements.txt, openapi-python-client pinned with its dependencies, into
# target/clients-venv). Each install, network call and tool run is bounded with `timeout`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

OUT=target/clients
VENV=target/clients-venv
mkdir -p "$OUT"

# Step timing, as in .ci/run; `check NAME CMD...` runs a check, records a failure and goes on.
STEP_NAME="" STEP_START=$SECONDS
declare -a TIMES=() FAILED=()
step() {
  if [ -n "$STEP_NAME" ]; then
    TIMES+=("$(printf '%4d s  %s' $((SECONDS - STEP_START)) "$STEP_NAME")")
    printf '<== %s: %d s (total %d s)\n' "$STEP_NAME" $((SECONDS - STEP_START)) "$SECONDS"
  fi
  STEP_NAME="$*" STEP_START=$SECONDS
  if [ -n "$STEP_NAME" ]; then printf '\n==> %s\n' "$*"; fi
}
check() {
  local name=$1; shift
  step "$name"
  if ! "$@"; then
    echo "FAILED: $name" >&2
    FAILED+=("$name")
    return 1
  fi
}
finish() {
  step ""
  printf '\nstep times:\n'
  printf '  %s\n' "${TIMES[@]}"
  printf '  %4d s  total\n' "$SECONDS"
  if [ "${#FAILED[@]}" -ne 0 ]; then
    printf '\ncontract-clients: %d step(s) failed:\n' "${#FAILED[@]}" >&2
    printf '  %s\n' "${FAILED[@]}" >&2
    exit 1
  fi
  echo "contract-clients: all checks passed"
}

# ---- tools -------------------------------------------------------------------------------
step "install: npm ci in clients/ (when clients/package-lock.json changed)"
LOCK_SUM="$(sha256sum clients/package-lock.json | cut -d' ' -f1)"
if [ "$(cat clients/node_modules/.contract-lock-sha256 2>/dev/null)" != "$LOCK_SUM" ]; then
  # --ignore-scripts: none of these tools needs an install script (one dependency's is telemetry).
  (cd clients && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$LOCK_SUM" >clients/node_modules/.contract-lock-sha256
else
  echo "clients/node_modules is up to date"
fi
BIN_DIR="$ROOT/clients/node_modules/.bin"

step "install: openapi-python-client into $VENV (when clients/python/requirements.txt changed)"
REQ_SUM="$(sha256sum clients/python/requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$VENV/.contract-requirements-sha256" 2>/dev/null)" != "$REQ_SUM" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  timeout 300 "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    -r clients/python/requirements.txt
  echo "$REQ_SUM" >"$VENV/.contract-requirements-sha256"
else
  echo "$VENV is up to date"
fi
"$VENV/bin/openapi-python-client" --version

# ---- the service, its data and the document ----------------------------------------------
NO_SERVICE=""
if [ "${CONTRACT_NO_SERVICE:-}" = 1 ]; then
  if [ -z "${CONTRACT_SPEC:-}" ]; then
    echo "FATAL: CONTRACT_NO_SERVICE=1 needs CONTRACT_SPEC" >&2
    exit 2
  fi
  NO_SERVICE=1
fi

if [ -z "$NO_SERVICE" ]; then
  step "service: ebo serve on a throwaway database, with a user, a run and a feature"
  BIN="${CLIENTS_BIN:-}"
  DB_NAME=contract.db
  THROWAWAY_POSTGRES_URL=""
  # shellcheck source=scripts/lib/throwaway-service.sh
  source scripts/lib/throwaway-service.sh

  PASSWORD="Contract-Passw0rd-$RANDOM"
  timeout 60 "$BIN" migrate >/dev/null
  printf '%s\n' "$PASSWORD" | timeout 30 "$BIN" user create-admin \
    --email contract-admin@example.com --username contract-admin --password-stdin >/dev/null
  start_service

  # api METHOD PATH [TOKEN [JSON]]: one bounded call, its body on stdout; fails on a non-2xx.
  api() {
    local args=(-fsS --max-time 10 -X "$1" "$BASE/api/v1$2")
    if [ -n "${3:-}" ]; then args+=(-H "Authorization: Bearer $3"); fi
    if [ -n "${4:-}" ]; then args+=(-H 'content-type: application/json' -d "$4"); fi
    curl "${args[@]}"
  }
  field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
  token() { api POST /auth/login "" "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" | field access_token; }

  SMOKE_USERNAME=contract-user
  api POST /auth/register "" \
    "{\"email\":\"contract-user@example.com\",\"username\":\"$SMOKE_USERNAME\",\"password\":\"$PASSWORD\"}" >/dev/null
  ADMIN_TOKEN="$(token contract-admin)"
  USER_TOKEN="$(token "$SMOKE_USERNAME")"

  SMOKE_FEATURE_ID=CONTRACT_SMOKE_CLASS_ACTIVE_001
  SMOKE_FEATURE_NAME="Contract Smoke Strike"
  api POST /features "$ADMIN_TOKEN" "$(cat <<JSON
{"feature_id": "$SMOKE_FEATURE_ID", "system": "PLAYER", "category": "Class",
 "name": "$SMOKE_FEATURE_NAME", "feature_type": "ACTIVE", "class_restriction": "Arcanist",
 "attributes": {}}
JSON
)" >/dev/null

  SMOKE_RUN_ID="$(api POST /runs "$USER_TOKEN" "$(cat <<'JSON'
{"character_name": "Contract Smoke", "success": true, "duration_sec": 312.5, "group_size": 4,
 "content": {"type": "dungeon", "name": "Fungal Grotto I", "difficulty": "veteran"},
 "build_snapshot": {"class": "Arcanist", "race": "Dark Elf", "cp_level": 1800,
   "sets": ["Ansuul's Torment", "Velothi Ur-Mage's Amulet"],
   "skills_front": ["Fatecarver", "Pragmatic Fatecarver"], "skills_back": ["Cephaliarch's Flail"]},
 "metrics": {"damage_done": 31250000, "healing_done": 1200000, "damage_taken": 2100000, "dps": 100000.0}}
JSON
)" | field run_id)"
  echo "seeded: user $SMOKE_USERNAME, run $SMOKE_RUN_ID, feature $SMOKE_FEATURE_ID"
  export SMOKE_BASE_URL="$BASE" SMOKE_USERNAME SMOKE_PASSWORD="$PASSWORD" SMOKE_RUN_ID \
    SMOKE_FEATURE_ID SMOKE_FEATURE_NAME
fi

if [ -n "${CONTRACT_SPEC:-}" ]; then
  step "document: $CONTRACT_SPEC"
  SPEC="$(realpath "$CONTRACT_SPEC")"
else
  step "document: GET /api/openapi.json"
  SPEC="$ROOT/$OUT/openapi.json"
  curl -fsS --max-time 10 "$BASE/api/openapi.json" -o "$SPEC"
  echo "document: $SPEC (served by the service)"
fi

# ---- checks ------------------------------------------------------------------------------
spectral() {
  timeout 120 "$BIN_DIR/spectral" lint --ruleset clients/.spectral.yaml --fail-severity warn \
    -f stylish -f json --output.json "$OUT/spectral.json" "$SPEC"
}
check "Spectral (spectral:oas + clients/.spectral.yaml): no error, no warning" spectral || true

# A tool's warnings fail its step; the output is still used by the later steps.
ts_generate() {
  rm -f "$OUT/ts/schema.d.ts"
  mkdir -p "$OUT/ts"
  timeout 120 "$BIN_DIR/openapi-typescript" "$SPEC" -o "$OUT/ts/schema.d.ts" 2>"$OUT/openapi-typescript.log"
  local status=$?
  cat "$OUT/openapi-typescript.log" >&2
  if [ "$status" -ne 0 ]; then return "$status"; fi
  if grep -q . "$OUT/openapi-typescript.log"; then
    echo "openapi-typescript warned (above)" >&2
    return 1
  fi
}
check "openapi-typescript: $OUT/ts/schema.d.ts, no warning" ts_generate || true

TS_TYPES=""
if [ -s "$OUT/ts/schema.d.ts" ]; then TS_TYPES=1; fi
if [ -n "$TS_TYPES" ]; then
  check "tsc --noEmit (strict): clients/ts/smoke.ts over openapi-fetch and the generated types" \
    timeout 180 "$BIN_DIR/tsc" --noEmit -p clients || true
fi

py_generate() {
  rm -rf "$OUT/python"
  mkdir -p "$OUT/python"
  # ruff (a dependency of openapi-python-client) formats the output: it must be on PATH.
  PATH="$ROOT/$VENV/bin:$PATH" timeout 120 "$VENV/bin/openapi-python-client" generate \
    --path "$SPEC" --meta none --output-path "$OUT/python/ebo_client" >"$OUT/openapi-python-client.log" 2>&1
  local status=$?
  if [ "$status" -ne 0 ] || grep -qi 'warning\|error' "$OUT/openapi-python-client.log"; then
    cat "$OUT/openapi-python-client.log" >&2
    echo "openapi-python-client: exit $status, or warned (above; also in $OUT/openapi-python-client.log)" >&2
    return 1
  fi
  cat "$OUT/openapi-python-client.log"
}
check "openapi-python-client: $OUT/python/ebo_client, no warning" py_generate || true

if [ -z "$NO_SERVICE" ]; then
  ts_smoke() {
    rm -rf "$OUT/ts-out"
    timeout 180 "$BIN_DIR/tsc" -p clients --outDir "$OUT/ts-out" || return 1
    # The emitted program is an ES module and imports openapi-fetch from clients/node_modules.
    echo '{"type": "module"}' >"$OUT/ts-out/package.json"
    ln -s "$ROOT/clients/node_modules" "$OUT/ts-out/node_modules"
    timeout 60 node "$OUT/ts-out/clients/ts/smoke.js"
  }
  if [ -n "$TS_TYPES" ]; then
    check "TypeScript smoke (node): log in, list runs, read a feature" ts_smoke || true
  fi
  if [ -f "$OUT/python/ebo_client/__init__.py" ]; then
    check "Python smoke: log in, list runs, read a feature" \
      env PYTHONPATH="$OUT/python" timeout 60 "$VENV/bin/python" clients/python/smoke.py || true
  fi
fi

finish
