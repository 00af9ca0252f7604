#!/usr/bin/env bash
# Issue 19's other database paths against a hand-written peer (bench/peer-paths), side by side in
# one run: GET /analytics/percentile-trend, GET /features?category=Class&limit=50 (feature cache
# off) and POST /runs. For each, in rounds: the service under wrk (Cache-Control: no-cache), the
# peer under wrk, then pgbench running the same statement at 16 clients (the pool size of both).
# PostgreSQL with 100,000 demo runs (50 players) and the real feature database, as db-path.sh.
#
# The peer answers the same JSON with the same statements, written by hand: tokio-postgres
# prepared statements, rows by position into structs, serde out, the same HS256 bearer check.
# It shows what this machine allows once any server is in between, as ../shared/bench/peer-list
# does for GET /runs.
#
# Usage, from anywhere:  bench/peer-paths.sh      (see bench/README.md, "Hand-written peers")
# Env: ROUNDS (3), DUR (8s), CONN (16, as db-path.sh's ratio), ONLY (a regular expression over percentile-trend,
# features, create-run), BENCH_SKIP_BUILD=1 (use target/release/ebo as it is), PEER_TARGET
# (the peer's own cargo target directory, default ~/.cache/ebo-peer-paths), PG.
# Prints each round and, per endpoint, one line: RESULT endpoint=… (medians of the rounds),
# with each server's own CPU time per request (service_cpu_us, peer_cpu_us) and their ratio
# peer_service_cpu: a steadier measure than req/s of what the service costs beyond the peer.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB_NAME=ebo_peer_paths
DB=$PG/$DB_NAME
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-8s}
CONN=${CONN:-16}
ONLY=${ONLY:-.}
EBO="$ROOT/target/release/ebo"
FEATURES="$ROOT/../shared/data/eso-features/raw"
SECRET=peer-paths-secret-0123456789abcdef0123456789

die() { echo "peer-paths: error: $*" >&2; exit 1; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } ||
    die "wrk is missing (apt-get install -y wrk)"
command -v pgbench >/dev/null || die "pgbench is missing (Debian: postgresql-client)"
[[ -d $FEATURES ]] || die "the feature database is missing: $FEATURES"
[[ ${BENCH_SKIP_BUILD:-} == 1 ]] || cargo build --quiet --release -p app --bin ebo
[[ -x $EBO ]] || die "$EBO is missing"
CARGO_TARGET_DIR=${PEER_TARGET:-$HOME/.cache/ebo-peer-paths} \
    cargo build --quiet --release --manifest-path "$ROOT/bench/peer-paths/Cargo.toml"
PEER=${PEER_TARGET:-$HOME/.cache/ebo-peer-paths}/release/peer-paths

WORK=$(mktemp -d)
EPID="" PPID_=""
cleanup() {
    kill $EPID $PPID_ 2>/dev/null || true
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME" >/dev/null
export EBO_DATABASE__URL=$DB DATABASE_URL=$DB JWT_SECRET_KEY=$SECRET EBO_LOG__LEVEL=warn \
    EBO_RATE_LIMIT__ENABLED=false EBO_FEATURES__CACHE_TTL_SECS=0
echo "seeding 100,000 demo runs (50 players) and the feature database" >&2
(cd "$WORK" && "$EBO" seed demo --users 50 --runs 100000 >"$WORK/seed.log" 2>&1 &&
    "$EBO" seed features --from "$FEATURES" >>"$WORK/seed.log" 2>&1) || die "seeding failed: $(tail -n 1 "$WORK/seed.log")"
psql "$DB" -qc "VACUUM ANALYZE" >/dev/null

EPORT=$((20000 + RANDOM % 10000))
PPORT=$((EPORT + 1))
(cd "$WORK" && EBO_SERVER__PORT=$EPORT EBO_SERVER__HOST=127.0.0.1 exec "$EBO" serve >"$WORK/ebo.log" 2>&1) &
EPID=$!
BIND=127.0.0.1:$PPORT "$PEER" >"$WORK/peer.log" 2>&1 &
PPID_=$!
for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$EPORT/health/ready" >/dev/null && curl -s "http://127.0.0.1:$PPORT/" >/dev/null && break
    sleep 0.5
done
curl -fs "http://127.0.0.1:$EPORT/health/ready" >/dev/null || die "the service did not start: $(tail -n 3 "$WORK/ebo.log")"
TOKEN=$(curl -fsS -H 'content-type: application/json' -d '{"username":"demo0001","password":"Demo-Passw0rd"}' \
    "http://127.0.0.1:$EPORT/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
PLAYER=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$EPORT/api/v1/auth/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

ROW='{"character_name":"Bench","content":{"type":"trial","name":"Lucent Citadel","difficulty":"veteran"},"duration_sec":420,"success":true,"group_size":12,"build_snapshot":{"class":"Arcanist","race":"Khajiit","cp_level":2100,"sets":["Arms of Relequen"],"skills_front":["Fatecarver"],"skills_back":["Runeblades"]},"metrics":{"damage_done":39900000,"healing_done":100000,"damage_taken":300000,"dps":95000,"hps":800}}'
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [[%s]]\n' \
    "$TOKEN" "$ROW" >"$WORK/post.lua"

# The statements, with the parameters of the requests above (the same the peer prepares).
cat >"$WORK/percentile-trend.sql" <<SQL
SELECT timestamp, dps, content_name, difficulty FROM combat_runs WHERE player_id = '$PLAYER' AND timestamp >= now() - interval '30 days' ORDER BY timestamp;
SQL
COLS="feature_id, system, category, subcategory, feature_type, name, parent_feature, class_restriction, unlock_method, resource_type, resource_cost, cast_time, target_type, range_m, radius_m, duration_sec, cooldown_sec, base_effect, scaling_stat, max_ranks, rank_progression, buff_debuff_granted, synergy, tags, dlc_required, patch_updated, source_url, attributes, updated_at"
cat >"$WORK/features.sql" <<SQL
SELECT $COLS, (SELECT count(*) FROM features WHERE category = 'Class') AS total FROM features WHERE category = 'Class' ORDER BY feature_id LIMIT 50 OFFSET 0;
SQL
cat >"$WORK/create-run.sql" <<SQL
INSERT INTO combat_runs (run_id, player_id, character_name, content_type, content_name, difficulty, duration_sec, success, group_size, cp_level, dps, build_snapshot, metrics, contribution_scores, timestamp, source, addon_run_id, addon_original, analysed_at) VALUES (gen_random_uuid(), '$PLAYER', 'Bench', 'trial', 'Lucent Citadel', 'veteran', 420, true, 12, 2100, 95000, '{"class": "Arcanist", "subclass": null, "race": "Khajiit", "cp_level": 2100, "sets": ["Arms of Relequen"], "skills_front": ["Fatecarver"], "skills_back": ["Runeblades"], "champion_points": null}', '{"damage_done": 39900000, "dps": 95000, "crit_rate": 0, "healing_done": 100000, "hps": 800, "overhealing": 0, "damage_taken": 300000, "damage_blocked": 0, "damage_mitigated": 0, "buff_uptime": [], "debuff_uptime": [], "dot_uptime": [], "interrupts": 0, "synergies_used": 0, "synergies_provided": 0, "deaths": 0, "time_dead": 0, "magicka_spent": 0, "stamina_spent": 0, "ultimate_spent": 0, "potion_uses": 0}', '{"damage_dealt": 0.79, "damage_taken": 0.96, "healing_done": 0.02, "buff_uptime": 0, "debuff_uptime": 0, "mechanic_execution": 1, "resource_efficiency": 0.95}', now(), 'api', NULL, NULL, NULL);
SQL

# One request to each server, so both have their statements prepared and their distributions
# loaded; both must answer 2xx with JSON of the same shape (the same keys at every level, the
# same number of items); the values that differ are counted and shown.
warm() { # name method path
    local port
    for port in $EPORT $PPORT; do
        if [[ $2 == POST ]]; then
            curl -fsS -o "$WORK/$1.$port.json" -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$ROW" "http://127.0.0.1:$port$3"
        else
            curl -fsS -o "$WORK/$1.$port.json" -H "Authorization: Bearer $TOKEN" -H 'Cache-Control: no-cache' "http://127.0.0.1:$port$3"
        fi || die "$2 $3 failed on port $port"
    done
    python3 - "$WORK/$1.$EPORT.json" "$WORK/$1.$PPORT.json" "$1" <<'PY' || die "$1: the peer's answer is not shaped as the service's"
import json, sys
a, b, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
diffs = []
def walk(x, y, at):
    if isinstance(x, dict) and isinstance(y, dict):
        if set(x) != set(y):
            sys.exit(f"{name}: keys differ at {at or '/'}: {sorted(set(x) ^ set(y))}")
        for k in x:
            walk(x[k], y[k], f"{at}/{k}")
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            sys.exit(f"{name}: {len(x)} items against {len(y)} at {at or '/'}")
        for i, (u, v) in enumerate(zip(x, y)):
            walk(u, v, f"{at}/{i}")
    elif isinstance(x, str) and isinstance(y, str) and x.replace("+00:00", "Z") == y.replace("+00:00", "Z"):
        pass  # the same instant, UTC written two ways
    elif x != y and not (isinstance(x, (int, float)) and isinstance(y, (int, float)) and abs(x - y) < 1e-9):
        diffs.append(f"{at}: {json.dumps(x)[:60]} | {json.dumps(y)[:60]}")
walk(a, b, "")
print(f"{name}: same shape; {len(diffs)} values differ (service | peer)" + "".join("\n  " + d for d in diffs[:6]), file=sys.stderr)
PY
}

# wrk on one server; prints "req/s p99 non2xx cpu_us": the last is the server process's own CPU
# time (user + system, /proc/PID/stat) per answered request, in µs.
load() { # method url pid
    local extra=(-H "Authorization: Bearer $TOKEN" -H 'Cache-Control: no-cache') before after out
    [[ $1 == POST ]] && extra=(-s "$WORK/post.lua")
    before=$(awk '{print $14 + $15}' "/proc/$3/stat")
    out=$(timeout $((${DUR%s} + 30)) wrk -t2 -c"$CONN" -d"$DUR" --latency "${extra[@]}" "$2")
    after=$(awk '{print $14 + $15}' "/proc/$3/stat")
    awk -v ticks="$((after - before))" -v hz="$(getconf CLK_TCK)" '/requests in/{n=$1} /Requests\/sec/{r=$2} / 99%/{p=$2} /Non-2xx/{x=$NF}
        END{printf "%s %s %s %.0f", r, p, (x==""?0:x), (n > 0 ? ticks / hz * 1e6 / n : 0)}' <<<"$out"
}

# After each write measurement: the table back to its seeded rows, so every round inserts into
# the same table.
reset_runs() { psql "$DB" -qc "DELETE FROM combat_runs WHERE character_name = 'Bench'" -c "VACUUM ANALYZE combat_runs" >/dev/null; }

ENDPOINTS=(
    "percentile-trend|GET|/api/v1/analytics/percentile-trend"
    "features|GET|/api/v1/features?category=Class&limit=50"
    "create-run|POST|/api/v1/runs"
)
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r name method path <<<"$e"
    [[ $name =~ $ONLY ]] || continue
    warm "$name" "$method" "$path"
    [[ $method == POST ]] && reset_runs
    : >"$WORK/$name.rounds"
    for r in $(seq "$ROUNDS"); do
        s=$(load "$method" "http://127.0.0.1:$EPORT$path" "$EPID")
        [[ $method == POST ]] && reset_runs
        p=$(load "$method" "http://127.0.0.1:$PPORT$path" "$PPID_")
        [[ $method == POST ]] && reset_runs
        t=$(pgbench -n -M prepared -f "$WORK/$name.sql" -c 16 -j 2 -T "${DUR%s}" "$DB" 2>/dev/null | awk '/^tps/{print $3}')
        [[ -n $t ]] || die "pgbench failed on $name"
        [[ $method == POST ]] && reset_runs
        echo "$s $p $t" >>"$WORK/$name.rounds"
        echo "$name round $r: service $s | peer $p | pgbench $t tps   (req/s, p99, non-2xx, CPU µs/request)"
    done
    python3 - "$WORK/$name.rounds" "$name" "$CONN" <<'PY'
import sys, statistics as st
def ms(v):
    for suf, f in (("us", 1e-3), ("ms", 1.0), ("s", 1000.0)):
        if v.endswith(suf): return float(v[:-len(suf)]) * f
    return float(v)
rows = [l.split() for l in open(sys.argv[1])]
e = [float(r[0]) for r in rows]; p = [float(r[4]) for r in rows]; t = [float(r[8]) for r in rows]
ec = [float(r[3]) for r in rows]; pc = [float(r[7]) for r in rows]
med = st.median
print("RESULT endpoint=%s conn=%s service_rps=%.0f peer_rps=%.0f pgbench_tps=%.0f service_pgbench=%.2f peer_pgbench=%.2f "
      "service_peer=%.2f service_p99_ms=%.1f peer_p99_ms=%.1f service_cpu_us=%.0f peer_cpu_us=%.0f peer_service_cpu=%.2f non2xx=%d" % (
      sys.argv[2], sys.argv[3], med(e), med(p), med(t), med([a / c for a, c in zip(e, t)]), med([b / c for b, c in zip(p, t)]),
      med([a / b for a, b in zip(e, p)]), med([ms(r[1]) for r in rows]), med([ms(r[5]) for r in rows]),
      med(ec), med(pc), med([b / a for a, b in zip(ec, pc)]), sum(int(r[2]) + int(r[6]) for r in rows)))
PY
done
