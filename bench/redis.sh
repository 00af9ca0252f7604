#!/usr/bin/env bash
# Cost of Redis-backed rate limiting: cached feature reads (GET /api/v1/features/{id}) on two
# instances started side by side in the same run, rate limiting on in both:
#   local  — counters in the process (no [redis])
#   redis  — counters in Redis (EBO_REDIS__URL; one EVALSHA round trip per request, plus the
#            logout events over the same Redis)
# Runs alternate (local, redis, local, redis, ...) so load from other jobs on the machine hits
# both alike; the report gives each run, the mean req/s of each and their ratio (target >= 0.70).
#
# Usage: bench/redis.sh      (see bench/README.md, "Redis-backed rate limiting")
# Knobs: BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_ROUNDS (3),
#        BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_SKIP_BUILD=1 (use target/release/ebo;
#        target/ is $CARGO_TARGET_DIR when set), BENCH_RESULTS (bench/results/redis.md)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BENCH_DURATION="${BENCH_DURATION:-10s}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-64}"
BENCH_THREADS="${BENCH_THREADS:-2}"
BENCH_ROUNDS="${BENCH_ROUNDS:-3}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379}"
BENCH_RESULTS="${BENCH_RESULTS:-bench/results/redis.md}"
FEATURE_PATH=/api/v1/features/SAMPLE_ARC_FATECARVER

log() { printf 'bench-redis: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}
[[ $BENCH_ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer"
command -v wrk >/dev/null || die "wrk is missing (apt-get install -y wrk)"
command -v curl >/dev/null || die "curl is missing (apt-get install -y curl)"

hostport="${BENCH_REDIS_URL#redis://}"
hostport="${hostport##*@}"
hostport="${hostport%%/*}"
(exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}") 2>/dev/null ||
    die "Redis does not answer at $hostport"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    log "building the release binary (cargo build --release -p app)"
    cargo build --release -p app
fi
EBO_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/ebo"
[[ -x $EBO_BIN ]] || die "$EBO_BIN missing"

TMP="$(mktemp -d -t ebo-bench-redis.XXXXXX)"
PIDS=()
cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    local p _
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port"
}

# start NAME [extra env...]: starts an instance on a fresh SQLite file; prints its base URL.
start() {
    local name=$1 port
    shift
    port="$(free_port)"
    env -u RUST_LOG EBO_SERVER__HOST=127.0.0.1 EBO_SERVER__PORT="$port" \
        EBO_DATABASE__URL="sqlite://$TMP/$name.db" EBO_LOG__LEVEL=warn \
        EBO_RATE_LIMIT__ENABLED=true EBO_RATE_LIMIT__DEFAULT_PER_MINUTE=100000000 \
        "$@" "$EBO_BIN" serve >"$TMP/$name.log" 2>&1 &
    PIDS+=($!)
    local url="http://127.0.0.1:$port" i
    for ((i = 0; i < 300; i++)); do
        [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/health/ready" || true)" == 200 ]] &&
            {
                echo "$url"
                return 0
            }
        sleep 0.2
    done
    tail -n 20 "$TMP/$name.log" >&2
    die "$name did not become ready"
}

token() {
    local url=$1
    curl -fsS -o /dev/null -H 'content-type: application/json' \
        -d '{"email":"bench@example.com","username":"bench","password":"Bench-Passw0rd"}' \
        "$url/api/v1/auth/register" || true
    curl -fsS -H 'content-type: application/json' \
        -d '{"username":"bench","password":"Bench-Passw0rd"}' "$url/api/v1/auth/login" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

PREFIX="ebo-bench-$$-$RANDOM:"
LOCAL_URL="$(start local)"
REDIS_URL_BASE="$(start redis EBO_REDIS__URL="$BENCH_REDIS_URL" EBO_REDIS__KEY_PREFIX="$PREFIX")"
LOCAL_TOKEN="$(token "$LOCAL_URL")" || die "cannot sign in on the local instance"
REDIS_TOKEN="$(token "$REDIS_URL_BASE")" || die "cannot sign in on the redis instance"
ready="$(curl -s "$REDIS_URL_BASE/health/ready")"
[[ $ready == *'"redis":"up"'* ]] || die "the redis instance does not report redis up: $ready"

# run URL TOKEN: prints "req/s p99_ms non2xx"
run() {
    local out="$TMP/wrk.out"
    curl -fsS -o /dev/null -H "authorization: Bearer $2" "$1$FEATURE_PATH" || die "warm-up read failed"
    wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "$BENCH_DURATION" --latency --timeout 5s \
        -H "authorization: Bearer $2" "$1$FEATURE_PATH" >"$out"
    awk '
        function ms(v,  n, u) { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            return u == "us" ? n / 1000 : u == "s" ? n * 1000 : n }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        END { printf "%s %.2f %d\n", rps, p99, bad + 0 }' "$out"
}

ROWS=()
SUM_LOCAL=0 SUM_REDIS=0
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
    read -r l_rps l_p99 l_bad <<<"$(run "$LOCAL_URL" "$LOCAL_TOKEN")"
    log "round $r local: $l_rps req/s, p99 $l_p99 ms, non-2xx $l_bad"
    read -r r_rps r_p99 r_bad <<<"$(run "$REDIS_URL_BASE" "$REDIS_TOKEN")"
    log "round $r redis: $r_rps req/s, p99 $r_p99 ms, non-2xx $r_bad"
    ((l_bad == 0 && r_bad == 0)) || die "non-2xx responses under load (local $l_bad, redis $r_bad)"
    ROWS+=("| $r | $l_rps | $l_p99 | $r_rps | $r_p99 | $(awk -v a="$r_rps" -v b="$l_rps" 'BEGIN { printf "%.2f", a / b }') |")
    SUM_LOCAL="$(awk -v s="$SUM_LOCAL" -v x="$l_rps" 'BEGIN { print s + x }')"
    SUM_REDIS="$(awk -v s="$SUM_REDIS" -v x="$r_rps" 'BEGIN { print s + x }')"
done
RATIO="$(awk -v a="$SUM_REDIS" -v b="$SUM_LOCAL" 'BEGIN { printf "%.2f", a / b }')"

mkdir -p "$(dirname "$BENCH_RESULTS")"
{
    echo "# Redis-backed rate limiting: cached feature reads"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);"
    echo "wrk $BENCH_DURATION, $BENCH_CONNECTIONS connections, $BENCH_THREADS threads; GET $FEATURE_PATH with a bearer token;"
    echo "both instances rate-limit (default bucket, limit high enough never to refuse); runs alternate."
    echo
    echo "| round | local req/s | local p99 ms | redis req/s | redis p99 ms | redis/local |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "**Ratio of mean throughput, redis/local: $RATIO** (target >= 0.70)"
} >"$BENCH_RESULTS"
cat "$BENCH_RESULTS"
