#!/usr/bin/env bash
# SavedVariables import benchmark (issue 13): a file of BENCH_ADDON_RUNS addon runs (2,000 by
# default, about 16 MiB) made from the shared sample's first run, uploaded to POST /runs/import
# on the release build, on PostgreSQL (BENCH_PG) and on SQLite. Prints, per database, the upload's
# wall time, the report, the service's peak RSS before and after (VmHWM), and the same file
# through `ebo import saved-variables` on a fresh database. Target: under 10 s on PostgreSQL.
# Usage: bench/addon-import.sh   (manual; never run by CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
N="${BENCH_ADDON_RUNS:-2000}"
SAMPLE="$ROOT/../shared/data/addon/ESOBuildOptimizer.lua"
WORK=$(mktemp -d)
FILE="$WORK/ESOBuildOptimizer.lua"
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
[[ ${BENCH_SKIP_BUILD:-} == 1 ]] || cargo build --release -p app
BIN="${CARGO_TARGET_DIR:-target}/release/ebo"

# The sample's first run (lines between `[1] =` and `[2] =` of `runs`), repeated with new ids.
python3 - "$SAMPLE" "$FILE" "$N" <<'PY'
import re, sys
sample, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(sample, encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if l.rstrip() == "        [1] =")
end = next(i for i, l in enumerate(lines) if l.rstrip() == "        [2] =")
run = "\n".join(lines[start + 1:end])
with open(out, "w", encoding="utf-8") as f:
    f.write('ESOBuildOptimizerSV =\n{\n    ["_schemaVersion"] = 1,\n    ["runs"] =\n    {\n')
    for i in range(1, n + 1):
        body = run.replace("Tester_1764700000_8766", f"Bench_{1764700000 + i}_{i % 10000:04d}")
        f.write(f"        [{i}] =\n{body}\n")
    f.write("    },\n}\n")
PY
echo "file: $N runs, $(du -h "$FILE" | cut -f1)"

hwm() { awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$1/status"; }
bench() { # label, DATABASE_URL
    local port=$((20000 + RANDOM % 10000)) url token t0 t1 before report
    url="http://127.0.0.1:$port"
    DATABASE_URL="$2" EBO_LOG__LEVEL=warn EBO_RATE_LIMIT__ENABLED=false EBO_SERVER__PORT=$port \
        "$BIN" serve >"$WORK/serve.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 60); do curl -fs "$url/health/ready" >/dev/null && break; sleep 0.5; done
    curl -fsS -o /dev/null -H 'content-type: application/json' \
        -d '{"email":"bench@example.com","username":"bench","password":"Bench-Passw0rd"}' "$url/api/v1/auth/register"
    token=$(curl -fsS -H 'content-type: application/json' -d '{"username":"bench","password":"Bench-Passw0rd"}' \
        "$url/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    before=$(hwm "$PID")
    t0=$(date +%s.%N)
    report=$(curl -fsS -H "authorization: Bearer $token" -F "file=@$FILE" "$url/api/v1/runs/import" |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print("imported %d, duplicates %d, rejected %d" % (r["imported"], r["duplicates"], len(r["rejected"])))')
    t1=$(date +%s.%N)
    printf '%s upload: %.2f s (%s); peak RSS %s before, %s after\n' "$1" "$(echo "$t1 - $t0" | bc)" "$report" "$before" "$(hwm "$PID")"
    t0=$(date +%s.%N)
    report=$(curl -fsS -H "authorization: Bearer $token" -F "file=@$FILE" "$url/api/v1/runs/import" |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print("imported %d, duplicates %d" % (r["imported"], r["duplicates"]))')
    t1=$(date +%s.%N)
    printf '%s same file again: %.2f s (%s)\n' "$1" "$(echo "$t1 - $t0" | bc)" "$report"
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}
cli() { # label, DATABASE_URL (fresh)
    DATABASE_URL="$2" EBO_LOG__LEVEL=warn "$BIN" migrate up >/dev/null
    printf 'Bench-Passw0rd\n' | DATABASE_URL="$2" EBO_LOG__LEVEL=warn "$BIN" user create-admin \
        --email cli@example.com --username cli --password-stdin >/dev/null
    /usr/bin/time -f "%e s, peak RSS %M KiB" -o "$WORK/time" \
        env DATABASE_URL="$2" EBO_LOG__LEVEL=warn "$BIN" import saved-variables "$FILE" --user cli | tail -1
    printf '%s CLI: %s\n' "$1" "$(cat "$WORK/time")"
}
command -v bc >/dev/null || { apt-get update -qq && apt-get install -y -qq bc; }
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time; }

for db in ebo_bench_addon ebo_bench_addon_cli; do
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
bench "PostgreSQL" "$PG/ebo_bench_addon"
cli "PostgreSQL" "$PG/ebo_bench_addon_cli"
bench "SQLite" "sqlite://$WORK/bench.db"
cli "SQLite" "sqlite://$WORK/cli.db"
