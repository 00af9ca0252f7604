#!/usr/bin/env bash
# Two builds of the service compared at the same moment: both serve at once on one PostgreSQL
# database (caches off), each loaded by its own wrk for the same seconds, so both see the same
# machine. Prints, per round, each build's req/s and its own CPU per request (from
# /proc/PID/stat), and new/old CPU. Steadier than running the builds in turn on a shared
# 2-core machine, whose speed drifts by ±10 % between runs (bench/README.md, "stop 34").
#
# Usage, from anywhere:
#   bench/ab.sh OLD_BINARY NEW_BINARY [PATH] [CONNECTIONS_EACH] [ROUNDS]
#   bench/ab.sh /tmp/ebo-old target/release/ebo '/api/v1/runs?limit=50' 32 5
# The database (BENCH_AB_DB, default ebo_bench_ab) is seeded on first use with BENCH_RUNS_PG
# demo runs (default 100,000, about 2 minutes) and the real feature database, and kept for the
# next comparison; drop it with `psql postgres://postgres@127.0.0.1:5432/postgres -c 'DROP
# DATABASE ebo_bench_ab'`. Needs wrk (apt-get install -y wrk).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OLD=$(realpath "${1:?old binary}")
NEW=$(realpath "${2:?new binary}")
TARGET="${3:-/api/v1/runs?limit=50}"
CONNS="${4:-32}"
ROUNDS="${5:-5}"
SECS="${BENCH_AB_SECONDS:-8}"
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
DB="${BENCH_AB_DB:-ebo_bench_ab}"
URL="$PG/$DB"
FEATURES="$ROOT/../shared/data/eso-features/raw"

log() { printf 'ab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
command -v wrk >/dev/null || die "wrk is missing (apt-get install -y wrk)"
[[ -x $OLD && -x $NEW ]] || die "both binaries must exist and be executable"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! psql "$URL" -qAtc 'SELECT 1 FROM combat_runs LIMIT 1' 2>/dev/null | grep -q 1; then
    log "seeding $DB with ${BENCH_RUNS_PG:-100000} runs (kept for later comparisons)"
    PGOPTIONS=--client-min-messages=warning psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
    (cd "$WORK" && EBO_DATABASE__URL="$URL" EBO_LOG__LEVEL=warn "$NEW" seed demo --users 50 \
        --runs "${BENCH_RUNS_PG:-100000}" >"$WORK/seed.log" 2>&1) || die "seed failed: $(tail -n 1 "$WORK/seed.log")"
    if [[ -d $FEATURES ]]; then
        (cd "$WORK" && EBO_DATABASE__URL="$URL" EBO_LOG__LEVEL=warn "$NEW" seed features --from "$FEATURES" \
            >>"$WORK/seed.log" 2>&1) || die "seed features failed: $(tail -n 1 "$WORK/seed.log")"
    fi
    psql "$URL" -qc 'VACUUM ANALYZE' >/dev/null
fi

# Starts binary $1 on port $2; prints its PID.
start() {
    (cd "$WORK" && EBO_DATABASE__URL="$URL" EBO_SERVER__PORT=$2 EBO_SERVER__HOST=127.0.0.1 \
        EBO_LOG__LEVEL=warn EBO_RATE_LIMIT__ENABLED=false EBO_FEATURES__CACHE_TTL_SECS=0 \
        exec "$1" serve >>"$WORK/ebo-$2.log" 2>&1) &
    echo $!
}
PORT_OLD=$((20000 + RANDOM % 10000))
PORT_NEW=$((PORT_OLD + 1))
PID_OLD=$(start "$OLD" $PORT_OLD)
PID_NEW=$(start "$NEW" $PORT_NEW)
PIDS=("$PID_OLD" "$PID_NEW")
for port in $PORT_OLD $PORT_NEW; do
    for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || die "the build on port $port did not start: $(tail -n 3 "$WORK/ebo-$port.log")"
done
TOKEN=$(curl -fsS -H 'content-type: application/json' -d '{"username":"demo0001","password":"Demo-Passw0rd"}' \
    "http://127.0.0.1:$PORT_OLD/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
TICKS=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load() { # port seconds output
    wrk -t1 -c"$CONNS" -d"$2s" -H "Authorization: Bearer $TOKEN" -H 'Cache-Control: no-cache' \
        "http://127.0.0.1:$1$TARGET" >"$3"
}
load $PORT_OLD 2 /dev/null
load $PORT_NEW 2 /dev/null

log "$TARGET, $CONNS connections each, ${SECS}s a round; old $OLD, new $NEW"
for round in $(seq 1 "$ROUNDS"); do
    o0=$(cpu "$PID_OLD") n0=$(cpu "$PID_NEW")
    load $PORT_OLD "$SECS" "$WORK/old.txt" &
    load $PORT_NEW "$SECS" "$WORK/new.txt" &
    wait %1 %2
    o1=$(cpu "$PID_OLD") n1=$(cpu "$PID_NEW")
    grep -q 'Non-2xx' "$WORK/old.txt" "$WORK/new.txt" && die "non-2xx answers: $(grep -h Non-2xx "$WORK/old.txt" "$WORK/new.txt")"
    python3 - "$round" "$SECS" "$TICKS" "$o0" "$o1" "$n0" "$n1" \
        "$(awk '/requests in/{print $1}' "$WORK/old.txt")" "$(awk '/requests in/{print $1}' "$WORK/new.txt")" <<'PY'
import sys
r, secs, ticks, o0, o1, n0, n1, no, nn = sys.argv[1:]
secs, ticks, no, nn = float(secs), float(ticks), int(no), int(nn)
old = (float(o1) - float(o0)) / ticks * 1e6 / no
new = (float(n1) - float(n0)) / ticks * 1e6 / nn
print(f"round {r}: old {no / secs:.0f} req/s {old:.1f} us CPU/request | new {nn / secs:.0f} req/s {new:.1f} us | new/old CPU {new / old:.3f}")
PY
done
