#!/usr/bin/env bash
# HTTP load benchmark of the ebo service against the "ceiling" baseline server (bench/ceiling),
# both measured in the same run. See bench/README.md.
#
# Usage (from anywhere; paths are resolved from the repository root):
#   bench/run.sh
#
# Knobs (environment variables):
#   BENCH_DURATION       wrk duration per endpoint, e.g. 10s, 1m            (default 10s)
#   BENCH_CONNECTIONS    wrk open connections                                (default 64)
#   BENCH_THREADS        wrk threads                                         (default 2)
#   BENCH_ENDPOINTS      endpoint list                          (default bench/endpoints.txt)
#   BENCH_DATABASE_URL   database of the service; default: a fresh SQLite file in a temp dir
#   BENCH_READY_TIMEOUT  seconds to wait for each server to answer 200       (default 60)
#   BENCH_SKIP_BUILD=1   use the existing target/release binaries as they are
#                        (target/ is $CARGO_TARGET_DIR when that is set, as for cargo)
#   BENCH_RESULTS        where the Markdown report goes     (default bench/results/latest.md)
#   BENCH_PGBENCH_SQL    optional write baseline: a file with one SQL statement, run with
#                        pgbench against BENCH_DATABASE_URL (PostgreSQL) after the HTTP runs
#   BENCH_PGBENCH_CLIENTS  pgbench -c                     (default 16, the service's pool size)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BENCH_DURATION="${BENCH_DURATION:-10s}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-64}"
BENCH_THREADS="${BENCH_THREADS:-2}"
BENCH_ENDPOINTS="${BENCH_ENDPOINTS:-bench/endpoints.txt}"
BENCH_READY_TIMEOUT="${BENCH_READY_TIMEOUT:-60}"
BENCH_RESULTS="${BENCH_RESULTS:-bench/results/latest.md}"
BENCH_PGBENCH_CLIENTS="${BENCH_PGBENCH_CLIENTS:-16}"

log() { printf 'bench: %s\n' "$*" >&2; }

# BENCH_TOKEN: yours if exported, else a benchmark user is registered once the service is up.
AUTO_TOKEN=0
if [[ -z ${BENCH_TOKEN:-} ]]; then
    BENCH_TOKEN=pending-registration
    AUTO_TOKEN=1
fi
export BENCH_TOKEN
die() {
    log "error: $*"
    exit 1
}

# --- knobs ----------------------------------------------------------------------------------

# Seconds in a wrk/pgbench duration: 30, 30s, 2m, 1h.
duration_secs() {
    local d=$1
    [[ $d =~ ^([0-9]+)([smh]?)$ ]] || die "BENCH_DURATION must look like 10s, 2m or 1h (got '$d')"
    case "${BASH_REMATCH[2]}" in
        m) echo $((BASH_REMATCH[1] * 60)) ;;
        h) echo $((BASH_REMATCH[1] * 3600)) ;;
        *) echo $((BASH_REMATCH[1])) ;;
    esac
}
DURATION_SECS="$(duration_secs "$BENCH_DURATION")"
((DURATION_SECS > 0)) || die "BENCH_DURATION must be at least 1s"
[[ $BENCH_CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must be a positive integer"
[[ $BENCH_THREADS =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive integer"
((BENCH_CONNECTIONS >= BENCH_THREADS)) || die "BENCH_CONNECTIONS must be >= BENCH_THREADS (wrk)"
[[ $BENCH_READY_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "BENCH_READY_TIMEOUT must be a positive integer"
[[ -r $BENCH_ENDPOINTS ]] || die "endpoint list $BENCH_ENDPOINTS not found"

# --- endpoint list (read and checked before anything is built or started) -------------------

# Replaces ${VAR} in $1 with the environment variable VAR; an unset VAR is an error.
expand_vars() {
    local s=$1 out="" var re='^([^$]*)\$\{([A-Za-z_][A-Za-z0-9_]*)\}(.*)$'
    while [[ $s =~ $re ]]; do
        out+="${BASH_REMATCH[1]}"
        var="${BASH_REMATCH[2]}"
        s="${BASH_REMATCH[3]}"
        [[ -v $var ]] || die "an endpoint header uses \${$var}, which is not set"
        out+="${!var}"
    done
    printf '%s' "$out$s"
}

EP_NAMES=() EP_METHODS=() EP_PATHS=() EP_HEADERS=() EP_CEILING=()
while IFS= read -r line || [[ -n $line ]]; do
    line="${line%$'\r'}"
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    name="" method="" path="" header=""
    read -r name method path header <<<"$line"
    [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || die "$BENCH_ENDPOINTS: name '$name' must match [A-Za-z0-9_.-]+"
    [[ " ${EP_NAMES[*]} " != *" $name "* ]] || die "$BENCH_ENDPOINTS: name '$name' appears twice"
    [[ $method =~ ^[A-Z]+$ ]] || die "$BENCH_ENDPOINTS: $name: METHOD must be upper case (got '$method')"
    if [[ $path == ceiling:* ]]; then
        path="${path#ceiling:}"
        EP_CEILING+=(1)
    else
        EP_CEILING+=(0)
    fi
    [[ $path == /* ]] || die "$BENCH_ENDPOINTS: $name: path must start with / (got '$path')"
    header="$(expand_vars "$header")"
    EP_NAMES+=("$name")
    EP_METHODS+=("$method")
    EP_PATHS+=("$path")
    EP_HEADERS+=("$header")
done <"$BENCH_ENDPOINTS"
((${#EP_NAMES[@]} > 0)) || die "no endpoints in $BENCH_ENDPOINTS"

# --- tools and binaries ---------------------------------------------------------------------

if ! command -v wrk >/dev/null; then
    log "installing wrk from Debian"
    apt-get update -qq && apt-get install -y -qq wrk
fi
if ! command -v curl >/dev/null; then
    log "installing curl from Debian"
    apt-get update -qq && apt-get install -y -qq curl
fi

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    log "building release binaries (cargo build --release -p app -p ceiling)"
    cargo build --release -p app -p ceiling
fi
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
EBO_BIN="$TARGET_DIR/release/ebo"
CEILING_BIN="$TARGET_DIR/release/ceiling"
[[ -x $EBO_BIN ]] || die "$EBO_BIN missing (build failed or BENCH_SKIP_BUILD without a build)"
[[ -x $CEILING_BIN ]] || die "$CEILING_BIN missing (build failed or BENCH_SKIP_BUILD without a build)"

# --- servers and cleanup --------------------------------------------------------------------

TMP="$(mktemp -d -t ebo-bench.XXXXXX)"
PIDS=()

JOB_PID=""

cleanup() {
    local rc=$? pid i
    trap - EXIT INT TERM
    if [[ -n $JOB_PID ]]; then
        kill -TERM "$JOB_PID" 2>/dev/null || true
        wait "$JOB_PID" 2>/dev/null || true
    fi
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_bounded SECONDS OUTFILE COMMAND...: COMMAND with a time limit, output to OUTFILE. It runs
# in the background and is waited for, so a signal to this script stops it at once (cleanup).
run_bounded() {
    local limit=$1 out=$2 rc=0
    shift 2
    timeout --kill-after=5 "$limit" "$@" >"$out" 2>&1 &
    JOB_PID=$!
    wait "$JOB_PID" || rc=$?
    JOB_PID=""
    return "$rc"
}

# A loopback port nothing listens on, below the usual ephemeral range (32768-60999) so wrk's own
# client sockets cannot have taken it. Small race with other programs; good enough for a bench.
free_port() {
    local p _
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 12000))
        [[ $p == "${1:-}" ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free loopback port found"
}

# wait_ready NAME PID URL LOGFILE: until URL answers 200, bounded by BENCH_READY_TIMEOUT.
wait_ready() {
    local name=$1 pid=$2 url=$3 logfile=$4 code
    local deadline=$((SECONDS + BENCH_READY_TIMEOUT))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$logfile" >&2 || true
            die "$name exited during start (log above)"
        fi
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
        [[ $code == 200 ]] && return 0
        if ((SECONDS >= deadline)); then
            tail -n 30 "$logfile" >&2 || true
            die "$name: $url did not answer 200 within ${BENCH_READY_TIMEOUT}s (last: $code; log above)"
        fi
        sleep 0.2
    done
}

# Peak resident set size (VmHWM) of PID in MiB.
peak_rss_mib() {
    awk '/^VmHWM:/ { printf "%.1f", $2 / 1024; found = 1 } END { if (!found) print "?" }' \
        "/proc/$1/status" 2>/dev/null || echo "?"
}

CEILING_PORT="$(free_port)"
SERVICE_PORT="$(free_port "$CEILING_PORT")"
CEILING_URL="http://127.0.0.1:$CEILING_PORT"
SERVICE_URL="http://127.0.0.1:$SERVICE_PORT"

if [[ -n ${BENCH_DATABASE_URL:-} ]]; then
    DATABASE_URL_USED="$BENCH_DATABASE_URL"
    # For the report: never print a password.
    DATABASE_LABEL="$(sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$BENCH_DATABASE_URL")"
else
    DATABASE_URL_USED="sqlite://$TMP/bench.db"
    DATABASE_LABEL="SQLite, fresh file in a temp dir"
fi

log "starting ceiling on $CEILING_URL"
"$CEILING_BIN" "$CEILING_PORT" >"$TMP/ceiling.log" 2>&1 &
CEILING_PID=$!
PIDS+=("$CEILING_PID")

# The service inherits this environment (so any EBO_* variable of yours applies), plus these.
SERVICE_ENV=(
    EBO_SERVER__HOST=127.0.0.1
    EBO_SERVER__PORT="$SERVICE_PORT"
    EBO_SERVER__SHUTDOWN_TIMEOUT_SECS=2
    EBO_DATABASE__URL="$DATABASE_URL_USED"
    EBO_LOG__LEVEL=warn
)
# Per-IP rate limiting would turn a load test into a test of the 429 path: switch it off when
# this build has it (an unknown configuration key is refused, so ask the binary first) and
# you did not set EBO_RATE_LIMIT__ENABLED yourself.
RATE_LIMIT_LABEL="not in this build"
if [[ -n ${EBO_RATE_LIMIT__ENABLED:-} ]]; then
    RATE_LIMIT_LABEL="EBO_RATE_LIMIT__ENABLED=$EBO_RATE_LIMIT__ENABLED (yours)"
else
    effective_config="$(env -u RUST_LOG "${SERVICE_ENV[@]}" "$EBO_BIN" config check 2>&1 || true)"
    if [[ $effective_config == *"[rate_limit]"* ]]; then
        SERVICE_ENV+=(EBO_RATE_LIMIT__ENABLED=false)
        RATE_LIMIT_LABEL="off (EBO_RATE_LIMIT__ENABLED=false)"
    fi
fi

log "starting ebo serve on $SERVICE_URL ($DATABASE_LABEL; rate limiting: $RATE_LIMIT_LABEL)"
env -u RUST_LOG "${SERVICE_ENV[@]}" "$EBO_BIN" serve >"$TMP/service.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")

wait_ready ceiling "$CEILING_PID" "$CEILING_URL/" "$TMP/ceiling.log"
wait_ready "ebo serve" "$SERVICE_PID" "$SERVICE_URL/health/ready" "$TMP/service.log"
log "both servers ready"

# A signed-in user for endpoints whose header uses ${BENCH_TOKEN}: registered on the fresh
# service unless you exported BENCH_TOKEN yourself.
if [[ $AUTO_TOKEN == 1 ]]; then
    curl -fsS -o /dev/null -H 'content-type: application/json' \
        -d '{"email":"bench@example.com","username":"bench","password":"Bench-Passw0rd"}' \
        "$SERVICE_URL/api/v1/auth/register" || true
    BENCH_TOKEN=$(curl -fsS -H 'content-type: application/json' \
        -d '{"username":"bench","password":"Bench-Passw0rd"}' "$SERVICE_URL/api/v1/auth/login" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])') ||
        die "cannot log in the benchmark user"
    export BENCH_TOKEN
    log "signed in as the benchmark user"
fi

# --- endpoints ------------------------------------------------------------------------------

# wrk output -> "req/s p50_ms p99_ms non2xx total socket_errors" (one line; socket_errors is
# "-" or wrk's "connect 0, read 0, write 0, timeout 3" with spaces removed).
parse_wrk() {
    awk '
        function ms(v,  n, u) {
            n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            if (u == "us") return n / 1000
            if (u == "ms") return n
            if (u == "s") return n * 1000
            if (u == "m") return n * 60000
            if (u == "h") return n * 3600000
            return -1
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        $2 == "requests" && $3 == "in" { total = $1 }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ { s = $0; sub(/.*Socket errors: */, "", s); gsub(/ /, "", s); sockerr = s }
        END {
            if (rps == "" || p50 == "" || p99 == "" || p50 < 0 || p99 < 0) exit 1
            printf "%s %.3f %.3f %d %d %s\n", rps, p50, p99, non2xx + 0, total + 0, (sockerr == "" ? "-" : sockerr)
        }'
}

NAMES=() REQUESTS=() STATUSES=() RPS=() P50=() P99=() RSS=() NOTES=()
CEILING_RPS=""

for i in "${!EP_NAMES[@]}"; do
    name="${EP_NAMES[i]}" method="${EP_METHODS[i]}" path="${EP_PATHS[i]}" header="${EP_HEADERS[i]}"
    header="${header//pending-registration/$BENCH_TOKEN}" # the token registered above
    if [[ ${EP_CEILING[i]} == 1 ]]; then
        base="$CEILING_URL" pid="$CEILING_PID" is_ceiling=1
    else
        base="$SERVICE_URL" pid="$SERVICE_PID" is_ceiling=0
    fi
    url="$base$path"

    curl_args=(-s -o /dev/null -w '%{http_code}' --max-time 5 -X "$method")
    wrk_args=(-t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "$BENCH_DURATION" --latency --timeout 5s)
    if [[ -n $header ]]; then
        curl_args+=(-H "$header")
        wrk_args+=(-H "$header")
    fi
    if [[ $method != GET ]]; then
        printf 'wrk.method = "%s"\n' "$method" >"$TMP/$name.lua"
        wrk_args+=(-s "$TMP/$name.lua")
    fi

    status="$(curl "${curl_args[@]}" "$url" || true)"
    log "$name: $method $path -> HTTP $status; wrk ${BENCH_DURATION}, ${BENCH_CONNECTIONS} connections, ${BENCH_THREADS} threads"
    if ! run_bounded $((DURATION_SECS + 30)) "$TMP/$name.wrk" wrk "${wrk_args[@]}" "$url"; then
        cat "$TMP/$name.wrk" >&2 || true
        die "$name: wrk failed or timed out (output above)"
    fi
    if ! parsed="$(parse_wrk <"$TMP/$name.wrk")"; then
        cat "$TMP/$name.wrk" >&2
        die "$name: could not read req/s and the 50%/99% latency from wrk's output (above)"
    fi
    read -r rps p50 p99 non2xx total sockerr <<<"$parsed"
    if ! kill -0 "$pid" 2>/dev/null; then
        tail -n 30 "$TMP/service.log" "$TMP/ceiling.log" >&2 || true
        die "$name: the server died under load (logs above)"
    fi

    note=""
    ((non2xx > 0)) && note="$non2xx of $total responses were not 2xx/3xx"
    [[ $sockerr != - ]] && note="${note:+$note; }socket errors: $sockerr"
    if [[ $is_ceiling == 1 && -z $CEILING_RPS ]]; then
        CEILING_RPS="$rps"
    fi

    NAMES+=("$name")
    REQUESTS+=("$method $path")
    STATUSES+=("$status")
    RPS+=("$rps")
    P50+=("$p50")
    P99+=("$p99")
    RSS+=("$(peak_rss_mib "$pid")")
    NOTES+=("$note")
done

# --- optional write baseline: pgbench -------------------------------------------------------
# With BENCH_PGBENCH_SQL (a file holding one SQL statement) and BENCH_DATABASE_URL (PostgreSQL)
# set, runs the statement with pgbench for the same duration and reports its TPS and average
# latency, to compare a write endpoint's req/s with what the database alone sustains.
PGBENCH_TPS="" PGBENCH_LATENCY=""
run_pgbench() {
    [[ -n ${BENCH_PGBENCH_SQL:-} ]] || return 0
    [[ -n ${BENCH_DATABASE_URL:-} ]] || die "BENCH_PGBENCH_SQL needs BENCH_DATABASE_URL (postgres://...)"
    [[ $BENCH_DATABASE_URL == postgres://* || $BENCH_DATABASE_URL == postgresql://* ]] ||
        die "BENCH_PGBENCH_SQL needs a postgres:// BENCH_DATABASE_URL"
    [[ -r $BENCH_PGBENCH_SQL ]] || die "BENCH_PGBENCH_SQL: $BENCH_PGBENCH_SQL not readable"
    command -v pgbench >/dev/null || die "pgbench not found (apt-get install -y postgresql-client)"
    [[ $BENCH_PGBENCH_CLIENTS =~ ^[1-9][0-9]*$ ]] || die "BENCH_PGBENCH_CLIENTS must be a positive integer"
    local clients=$BENCH_PGBENCH_CLIENTS jobs=2
    ((clients < jobs)) && jobs=$clients
    log "pgbench: $BENCH_PGBENCH_SQL, ${DURATION_SECS}s, $clients clients, $jobs threads"
    if ! run_bounded $((DURATION_SECS + 60)) "$TMP/pgbench.out" \
        pgbench -n -f "$BENCH_PGBENCH_SQL" -c "$clients" -j "$jobs" -T "$DURATION_SECS" \
        "$BENCH_DATABASE_URL"; then
        cat "$TMP/pgbench.out" >&2 || true
        die "pgbench failed (output above)"
    fi
    PGBENCH_TPS="$(awk '/^tps = / { printf "%.0f", $3; exit }' "$TMP/pgbench.out")"
    PGBENCH_LATENCY="$(awk '/^latency average = / { print $4; exit }' "$TMP/pgbench.out")"
    [[ -n $PGBENCH_TPS ]] || {
        cat "$TMP/pgbench.out" >&2
        die "could not read tps from pgbench's output (above)"
    }
    PGBENCH_CLIENTS_USED=$clients
}
run_pgbench

# --- report ---------------------------------------------------------------------------------

ratio() {
    [[ -n $CEILING_RPS ]] || {
        echo "n/a"
        return
    }
    awk -v a="$1" -v b="$CEILING_RPS" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

report() {
    local i commit
    commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
        commit+=" (with uncommitted changes)"
    fi
    echo "## Benchmark $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- commit: $commit"
    echo "- machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)); wrk and both servers share them"
    echo "- wrk: ${BENCH_DURATION} per endpoint, ${BENCH_CONNECTIONS} connections, ${BENCH_THREADS} threads, loopback"
    echo "- database: $DATABASE_LABEL"
    echo "- rate limiting: $RATE_LIMIT_LABEL"
    echo "- ratio: req/s divided by the ceiling's req/s in this same run"
    echo "- peak RSS: VmHWM of the process that served the row (ceiling or ebo), read after the row"
    echo
    echo "| endpoint | req/s | p50 ms | p99 ms | peak RSS MiB | ratio to ceiling | request | HTTP |"
    echo "|---|---:|---:|---:|---:|---:|---|---:|"
    for i in "${!NAMES[@]}"; do
        printf "| %s | %s | %s | %s | %s | %s | \`%s\` | %s |\n" \
            "${NAMES[i]}" "$(printf '%.0f' "${RPS[i]}")" "${P50[i]}" "${P99[i]}" "${RSS[i]}" \
            "$(ratio "${RPS[i]}")" "${REQUESTS[i]}" "${STATUSES[i]}"
    done
    local notes=0
    for i in "${!NAMES[@]}"; do
        [[ -n ${NOTES[i]} ]] || continue
        ((notes++ == 0)) && printf '\nNotes:\n\n'
        echo "- ${NAMES[i]}: ${NOTES[i]}"
    done
    if [[ -n $PGBENCH_TPS ]]; then
        echo
        echo "Write baseline (pgbench -n -f $BENCH_PGBENCH_SQL -c $PGBENCH_CLIENTS_USED -T ${DURATION_SECS}):"
        echo
        echo "| statement | TPS | latency avg ms |"
        echo "|---|---:|---:|"
        echo "| $(basename "$BENCH_PGBENCH_SQL") | $PGBENCH_TPS | ${PGBENCH_LATENCY:-?} |"
    fi
}

mkdir -p "$(dirname "$BENCH_RESULTS")"
if [[ $BENCH_RESULTS == bench/results/* && ! -e bench/results/.gitignore ]]; then
    printf '*\n!.gitignore\n' >bench/results/.gitignore
fi
report | tee "$BENCH_RESULTS"
log "written to $BENCH_RESULTS"
