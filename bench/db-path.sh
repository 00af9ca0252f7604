#!/usr/bin/env bash
# The database path without the caches (issue 19), in one run: each endpoint under wrk with
# `Cache-Control: no-cache` (and the feature cache off) at 16 and 64 connections, then pgbench
# running the exact statements that endpoint issued, with the same parameters, at 16 clients
# (the service's pool size). PostgreSQL with BENCH_RUNS_PG demo runs, then the same endpoints on
# SQLite with BENCH_RUNS_SQLITE runs (no pgbench there), then ../shared/bench/peer-list/run.sh.
#
# The statements are read from PostgreSQL's own log: the script sets `log_statement = 'all'` on
# its benchmark database only, sends each request once, reads what the service executed
# (parameters substituted) and writes one pgbench script per endpoint. For POST /runs the new
# run's id becomes gen_random_uuid(), so every pgbench transaction inserts a new row.
#
# Usage, from anywhere:  bench/db-path.sh          (see bench/README.md, "Database path")
# Needs root for `apt-get install wrk` when wrk is missing, and read access to the server log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
PG_LOG="${BENCH_PG_LOG:-$(ls -t /var/log/postgresql/postgresql-*.log 2>/dev/null | head -n 1)}"
RUNS_PG="${BENCH_RUNS_PG:-100000}"
RUNS_SQLITE="${BENCH_RUNS_SQLITE:-20000}"
USERS="${BENCH_USERS:-50}"
DUR="${BENCH_DURATION:-10s}"
DATABASES="${BENCH_DATABASES:-postgres sqlite}"
OUT="${BENCH_RESULTS:-bench/results/db-path.md}"
DB_NAME=ebo_bench_db_path
EBO="$ROOT/target/release/ebo"
FEATURES="$ROOT/../shared/data/eso-features/raw"

log() { printf 'db-path: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } ||
    die "wrk is missing (apt-get install -y wrk)"
command -v pgbench >/dev/null || die "pgbench is missing (Debian: postgresql-client)"
[[ -r $PG_LOG ]] || die "cannot read PostgreSQL's log (set BENCH_PG_LOG)"
[[ ${BENCH_SKIP_BUILD:-} == 1 ]] || cargo build --quiet --release -p app
[[ -x $EBO ]] || die "$EBO is missing"

WORK=$(mktemp -d)
PID=""
stop() { [[ -z $PID ]] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }; }
cleanup() {
    stop
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
    if [[ ${BENCH_KEEP:-} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# The endpoints: name, method, path. POST bodies come from $WORK/post.lua.
ENDPOINTS=(
    "list|GET|/api/v1/runs?limit=50"
    "stats|GET|/api/v1/runs/stats/summary"
    "characters|GET|/api/v1/characters"
    "dps-trend|GET|/api/v1/analytics/dps-trend"
    "percentile-trend|GET|/api/v1/analytics/percentile-trend"
    "buff-analysis|GET|/api/v1/analytics/buff-analysis"
    "features|GET|/api/v1/features?category=Class&limit=50"
    "create-run|POST|/api/v1/runs"
)
if [[ -n ${BENCH_ONLY:-} ]]; then # a regular expression over the names above
    for i in "${!ENDPOINTS[@]}"; do [[ ${ENDPOINTS[$i]%%|*} =~ $BENCH_ONLY ]] || unset "ENDPOINTS[$i]"; done
    ((${#ENDPOINTS[@]})) || die "BENCH_ONLY='$BENCH_ONLY' matches no endpoint"
fi
ROW='{"character_name":"Bench","content":{"type":"trial","name":"Lucent Citadel","difficulty":"veteran"},"duration_sec":420,"success":true,"group_size":12,"build_snapshot":{"class":"Arcanist","race":"Khajiit","cp_level":2100,"sets":["Arms of Relequen"],"skills_front":["Fatecarver"],"skills_back":["Runeblades"]},"metrics":{"damage_done":39900000,"healing_done":100000,"damage_taken":300000,"dps":95000,"hps":800}}'

# Starts the service on $1 (database URL) with the caches off; sets PID, PORT, TOKEN.
start() {
    PORT=$((20000 + RANDOM % 10000))
    (cd "$WORK" && EBO_DATABASE__URL="$1" EBO_SERVER__PORT=$PORT EBO_SERVER__HOST=127.0.0.1 \
        EBO_LOG__LEVEL=warn EBO_RATE_LIMIT__ENABLED=false EBO_FEATURES__CACHE_TTL_SECS=0 \
        exec "$EBO" serve >>"$WORK/ebo.log" 2>&1) &
    PID=$!
    for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done
    curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null || die "the service did not start: $(tail -n 3 "$WORK/ebo.log")"
    TOKEN=$(curl -fsS -H 'content-type: application/json' -d '{"username":"demo0001","password":"Demo-Passw0rd"}' \
        "http://127.0.0.1:$PORT/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' \
        "$TOKEN" "$ROW" >"$WORK/post.lua"
}

# Seeds $1 (database URL) with $2 demo runs and the real feature database.
seed() {
    (cd "$WORK" && EBO_DATABASE__URL="$1" EBO_LOG__LEVEL=warn "$EBO" seed demo --users "$USERS" --runs "$2" >"$WORK/seed.log" 2>&1) ||
        die "seed demo failed: $(tail -n 1 "$WORK/seed.log")"
    if [[ -d $FEATURES ]]; then
        (cd "$WORK" && EBO_DATABASE__URL="$1" EBO_LOG__LEVEL=warn "$EBO" seed features --from "$FEATURES" >>"$WORK/seed.log" 2>&1) ||
            die "seed features failed: $(tail -n 1 "$WORK/seed.log")"
    fi
}

# One request of an endpoint; prints the response body.
request() { # method path
    if [[ $1 == POST ]]; then
        curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$ROW" "http://127.0.0.1:$PORT$2"
    else
        curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Cache-Control: no-cache' "http://127.0.0.1:$PORT$2"
    fi
}

# Writes $WORK/<name>.sql: the statements the service executed for one request, read from the
# server log between two byte offsets. A first request fills whatever the service keeps between
# requests (the user-state cache, the game-wide DPS distributions, prepared statements), so the
# second shows the steady state. The pool's pings and the mail worker's outbox poll are left out:
# they are not the request's statements.
capture() { # name method path
    request "$2" "$3" >/dev/null
    sleep 0.3
    local from to body created
    from=$(stat -c %s "$PG_LOG")
    body=$(request "$2" "$3")
    sleep 0.5
    to=$(stat -c %s "$PG_LOG")
    created=""
    [[ $2 == POST ]] && created=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["run_id"])' "$body")
    tail -c +"$((from + 1))" "$PG_LOG" | head -c "$((to - from))" >"$WORK/$1.log"
    python3 - "$WORK/$1.log" "$DB_NAME" "$created" >"$WORK/$1.sql" <<'PY'
import re, sys
text, db, created = open(sys.argv[1], encoding="utf-8", errors="replace").read(), sys.argv[2], sys.argv[3]
head = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] (\S*)@(\S*) (LOG|DETAIL|ERROR|STATEMENT):  (.*)$")
entries = []
for line in text.split("\n"):
    m = head.match(line)
    if m:
        entries.append([m.group(2), m.group(3), m.group(4)])
    elif entries and line.startswith("\t"):
        entries[-1][2] += "\n" + line[1:]
stmts = []
for dbname, kind, msg in entries:
    if dbname != db:
        continue
    if kind == "LOG" and ("RBDC ping" in msg or "mail_outbox" in msg):
        stmts.append(None)  # its DETAIL line, if any, is not another statement's
        continue
    if kind == "LOG":
        m = re.match(r"(?:statement|execute [^:]*): (.*)$", msg, re.S)
        if m:
            stmts.append([m.group(1).strip(), {}])
    elif kind == "DETAIL" and msg.startswith("parameters: ") and stmts and stmts[-1] is not None:
        for n, v in re.findall(r"\$(\d+) = (NULL|'(?:[^']|'')*')", msg, re.S):
            # A jsonb parameter is sent in binary, after its version byte (1), which the log
            # shows as a control character before the text.
            # pgbench reads `:name` as a variable, so a JSON value gets a space after each
            # colon, which JSON ignores.
            v = re.sub(r"^'[\x00-\x20](?=[\[{])", "'", v)
            stmts[-1][1][n] = re.sub(r'":(?=\S)', '": ', v) if v[1:2] in "[{" else v
    elif kind == "ERROR":
        sys.exit("the service's statement failed: " + msg)
stmts = [s for s in stmts if s is not None]
if not stmts:
    sys.exit("no statement of the service was logged")
for sql, params in stmts:
    sql = re.sub(r"\$(\d+)\b", lambda m: params.get(m.group(1), m.group(0)), sql)
    if created:
        sql = sql.replace("'" + created + "'", "gen_random_uuid()")
    print(sql.rstrip(";") + ";")
PY
}

ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v } else { sub(/s$/, "", v); print v*1000 } }'; }

# wrk on one endpoint; prints "req/s p50_ms p99_ms non2xx".
load() { # method path connections
    local out
    if [[ $1 == POST ]]; then
        out=$(wrk -t2 -c"$3" -d"$DUR" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT$2")
    else
        out=$(wrk -t2 -c"$3" -d"$DUR" --latency -H "Authorization: Bearer $TOKEN" -H 'Cache-Control: no-cache' "http://127.0.0.1:$PORT$2")
    fi
    printf '%s %s %s %s' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")" "$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")" \
        "$(awk '/Non-2xx/ {n=$NF} END {print n+0}' <<<"$out")"
}

rss() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status"; }

# One database: $1 label, $2 URL, $3 runs, $4 "pgbench" or "".
pass() {
    log "$1: seeding $3 demo runs ($USERS players) and the feature database"
    seed "$2" "$3"
    [[ $1 != postgres ]] || psql "$2" -qc "VACUUM ANALYZE"
    if [[ -n $4 ]]; then
        psql "$PG/postgres" -qc "ALTER DATABASE $DB_NAME SET log_statement = 'all'"
        start "$2"
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r name method path <<<"$e"
            capture "$name" "$method" "$path" || die "capturing $name failed"
        done
        stop
        psql "$PG/postgres" -qc "ALTER DATABASE $DB_NAME RESET log_statement"
        psql "$2" -qc "DELETE FROM combat_runs WHERE character_name = 'Bench'" -c "VACUUM ANALYZE combat_runs"
    fi
    start "$2"
    {
        echo
        echo "### $1, $3 runs ($USERS players), wrk $DUR per row, Cache-Control: no-cache, feature cache off"
        echo
        echo "| endpoint | statements | req/s @16 | p50/p99 ms @16 | req/s @64 | p50/p99 ms @64 | non-2xx | pgbench TPS @16 | service@16 / pgbench | peak RSS MiB |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    } | tee -a "$OUT"
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r name method path <<<"$e"
        request "$method" "$path" >/dev/null # the steady state: pools open, statements prepared
        read -r r16 a16 b16 n16 <<<"$(load "$method" "$path" 16)"
        read -r r64 a64 b64 n64 <<<"$(load "$method" "$path" 64)"
        local tps="–" ratio="–" count="–"
        if [[ -n $4 ]]; then
            count=$(grep -c ';$' "$WORK/$name.sql")
            tps=$(pgbench -n -M prepared -f "$WORK/$name.sql" -c 16 -j 2 -T "${DUR%s}" "$2" 2>&1 | awk '/^tps/ {printf "%.0f", $3}' || true)
            [[ -n $tps ]] || die "pgbench failed on $name: $(pgbench -n -M prepared -f "$WORK/$name.sql" -c 16 -j 2 -T 1 "$2" 2>&1 | grep -v "^pgbench (" | head -n 3)"
            ratio=$(awk -v a="$r16" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')
        fi
        echo "| $method ${path#/api/v1} | $count | $r16 | $a16 / $b16 | $r64 | $a64 / $b64 | $((n16 + n64)) | $tps | $ratio | $(rss) |" | tee -a "$OUT"
    done
    stop
}

mkdir -p "$(dirname "$OUT")"
{
    echo "# Database path, $(date -u +%F) at $(git rev-parse --short HEAD)"
    echo
    echo "$(nproc) cores; wrk, pgbench and the service share them."
} >"$OUT"
for d in $DATABASES; do
    case $d in
        postgres)
            psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME"
            pass postgres "$PG/$DB_NAME" "$RUNS_PG" pgbench
            ;;
        sqlite) pass sqlite "sqlite://$WORK/bench.db" "$RUNS_SQLITE" "" ;;
        *) die "unknown database '$d' in BENCH_DATABASES" ;;
    esac
done
if [[ ${BENCH_SKIP_PEER:-} != 1 && -x ../shared/bench/peer-list/run.sh ]]; then
    log "peer-list: ../shared/bench/peer-list/run.sh (CONN=64)"
    { echo; echo '### GET /runs?limit=50 against the hand-written peer (`../shared/bench/peer-list/run.sh`, 64 connections)'; echo
      echo '```'; SERVICE_BIN="$EBO" ../shared/bench/peer-list/run.sh 2>&1 | tail -n 5; echo '```'; } | tee -a "$OUT"
fi
log "report: $OUT"
