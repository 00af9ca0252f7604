#!/usr/bin/env bash
# Combat-run benchmark on PostgreSQL with demo data (see bench/README.md, "Combat runs"):
# POST /runs against pgbench inserting the same row, and p99 of the run list and analytics.
# Usage: bench/runs.sh   (needs PostgreSQL at BENCH_PG, default postgres://postgres@127.0.0.1:5432)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
RUNS="${BENCH_RUNS:-100000}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
DB="$PG/ebo_bench_runs"
PORT=$((20000 + RANDOM % 10000))
URL="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[[ ${BENCH_SKIP_BUILD:-} == 1 ]] || cargo build --release -p app
export DATABASE_URL="$DB" EBO_LOG__LEVEL=warn EBO_RATE_LIMIT__ENABLED=false EBO_SERVER__PORT=$PORT
if [[ ${BENCH_SKIP_SEED:-} != 1 ]]; then # BENCH_SKIP_SEED=1 reuses the last run's data
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS ebo_bench_runs WITH (FORCE)" -c "CREATE DATABASE ebo_bench_runs"
    echo "seeding $RUNS demo runs" >&2
    target/release/ebo seed demo --users 50 --runs "$RUNS" >&2
    # A freshly bulk-loaded table has no visibility map or statistics yet; autovacuum would
    # provide both within minutes in production. Measure the steady state.
    psql "$DB" -qc "VACUUM ANALYZE"
fi
target/release/ebo serve >/tmp/ebo-bench-runs.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs "$URL/health/ready" >/dev/null && break; sleep 0.5; done
TOKEN=$(curl -fsS -H 'content-type: application/json' -d '{"username":"demo0001","password":"Demo-Passw0rd"}' "$URL/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
PLAYER=$(curl -fsS -H "authorization: Bearer $TOKEN" "$URL/api/v1/auth/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

row='{"character_name":"Bench","content":{"type":"trial","name":"Lucent Citadel","difficulty":"veteran"},"duration_sec":420,"success":true,"group_size":12,"build_snapshot":{"class":"Arcanist","race":"Khajiit","cp_level":2100,"sets":["Arms of Relequen"],"skills_front":["Fatecarver"],"skills_back":["Runeblades"]},"metrics":{"damage_done":39900000,"healing_done":100000,"damage_taken":300000,"dps":95000,"hps":800}}'
LUA=$(mktemp --suffix=.lua)
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' "$TOKEN" "$row" >"$LUA"

ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v } else { sub(/s$/, "", v); print v*1000 } }'; }
load() { # name, path, [lua]
    local out
    if [[ -n ${3:-} ]]; then
        out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$3" "$URL$2")
    else
        # One request first, so the load measures the steady state (caches filled), not a start.
        curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL$2"
        out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" \
            ${CACHE_CONTROL:+-H "Cache-Control: $CACHE_CONTROL"} "$URL$2")
    fi
    local rps p50 p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
echo "| endpoint | req/s | p50 ms | p99 ms | non-2xx |"
echo "|---|---:|---:|---:|---:|"
load "GET /runs?limit=50" "/api/v1/runs?limit=50"
load "GET /runs/stats/summary" "/api/v1/runs/stats/summary"
load "GET /characters" "/api/v1/characters"
load "GET /analytics/dps-trend (30d)" "/api/v1/analytics/dps-trend"
load "GET /analytics/percentile-trend (30d)" "/api/v1/analytics/percentile-trend"
load "GET /analytics/buff-analysis (30d)" "/api/v1/analytics/buff-analysis"
# The same without the per-player answer cache: every request reads the database.
CACHE_CONTROL=no-cache load "GET /runs?limit=50, Cache-Control: no-cache" "/api/v1/runs?limit=50"
CACHE_CONTROL=no-cache load "GET /analytics/percentile-trend (30d), no-cache" "/api/v1/analytics/percentile-trend"
# Recommendations (issue 7): one of the demo user's runs; the first call computes and stores,
# the load then reads the stored ones with fresh percentiles (1,000 similar runs per call).
RUN=$(curl -fsS -H "authorization: Bearer $TOKEN" "$URL/api/v1/runs?limit=1&content_name=Lucent%20Citadel&difficulty=veteran" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["run_id"])')
curl -fsS -o /dev/null -H "authorization: Bearer $TOKEN" "$URL/api/v1/runs/$RUN/recommendations"
load "GET /runs/{id}/recommendations" "/api/v1/runs/$RUN/recommendations"
load "GET /runs/{id}/percentiles" "/api/v1/runs/$RUN/percentiles"
CONNECTIONS=8 load "GET /runs/{id}/recommendations, 8 connections" "/api/v1/runs/$RUN/recommendations"
# The same over 100 different runs of the user (random per request), each computed once first:
# many similar-run pools, so the pool cache misses too (each pool is re-read every 30 s).
IDS=$(curl -fsS -H "authorization: Bearer $TOKEN" "$URL/api/v1/runs?limit=100" |
    python3 -c 'import json,sys; print(",".join(chr(34) + r["run_id"] + chr(34) for r in json.load(sys.stdin)["runs"]))')
python3 -c 'import sys; [print(i.strip(chr(34))) for i in sys.argv[1].split(",")]' "$IDS" | while read -r id; do
    curl -fsS -o /dev/null -H "authorization: Bearer $TOKEN" "$URL/api/v1/runs/$id/recommendations"
done
MANY=$(mktemp --suffix=.lua)
printf 'local ids = {%s}\nrequest = function()\n  return wrk.format("GET", "/api/v1/runs/" .. ids[math.random(#ids)] .. "/recommendations", {["Authorization"] = "Bearer %s"})\nend\n' "$IDS" "$TOKEN" >"$MANY"
CONNECTIONS=8 load "GET /runs/{id}/recommendations, 100 runs at random, 8 connections" "/" "$MANY"
load "GET /runs/{id}/recommendations, 100 runs at random" "/" "$MANY"
load "POST /runs" "/api/v1/runs" "$LUA"

SQL=$(mktemp --suffix=.sql)
cat >"$SQL" <<SQL
INSERT INTO combat_runs (run_id, player_id, character_name, content_type, content_name, difficulty, duration_sec, success, group_size, cp_level, dps, build_snapshot, metrics, contribution_scores, timestamp)
VALUES (gen_random_uuid(), '$PLAYER', 'Bench', 'trial', 'Lucent Citadel', 'veteran', 420, true, 12, 2100, 95000,
 '{"class":"Arcanist","race":"Khajiit","cp_level":2100,"sets":["Arms of Relequen"],"skills_front":["Fatecarver"],"skills_back":["Runeblades"]}',
 '{"damage_done":39900000,"healing_done":100000,"damage_taken":300000,"dps":95000,"hps":800}', '{"damage_dealt":0.65}', now());
SQL
secs=${DURATION%s}
echo
echo "pgbench, the same INSERT, 16 clients (the pool size):"
pgbench -n -f "$SQL" -c 16 -j 2 -T "$secs" "$DB" 2>/dev/null | grep -E 'tps|latency average'

# Leave the demo data as seeded, so BENCH_SKIP_SEED=1 measures the same table next time.
psql "$DB" -qc "DELETE FROM combat_runs WHERE character_name = 'Bench'" -c "VACUUM ANALYZE combat_runs"
