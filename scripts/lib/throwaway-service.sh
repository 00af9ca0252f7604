# Sourced by scripts/schemathesis.sh and scripts/browser-test.sh: the release `ebo` on a
# throwaway database (SQLite, or a new PostgreSQL database), on a free loopback port, stopped
# and removed on exit.
#
# In:  BIN      a built `ebo` (empty: `cargo build --release`, then target/release/ebo)
#      DB_NAME  the database file's name in the temporary folder
#      THROWAWAY_POSTGRES_URL  optional, e.g. postgres://postgres@127.0.0.1:5432/test: create a
#               new database on that server instead (needs `psql`), dropped on exit
# Out: BIN, WORK (the temporary folder; server.log is there), PORT, BASE (http://127.0.0.1:PORT),
#      the service's environment exported (no rate limits, bcrypt cost 4, log level warn);
#      `start_service` runs `ebo serve` and waits (≤ 10 s) until /health/ready answers.
# shellcheck shell=bash

if [ -z "${BIN:-}" ]; then
  cargo build --quiet --release -p app --bin ebo
  BIN="${CARGO_TARGET_DIR:-target}/release/ebo"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$PG_DB" ]; then
    psql "$THROWAWAY_POSTGRES_URL" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
if [ -n "${THROWAWAY_POSTGRES_URL:-}" ]; then
  PG_DB="ebo_throwaway_$$_$RANDOM"
  psql "$THROWAWAY_POSTGRES_URL" -qAtc "CREATE DATABASE $PG_DB" >/dev/null
  export DATABASE_URL="${THROWAWAY_POSTGRES_URL%/*}/$PG_DB"
else
  export DATABASE_URL="sqlite://$WORK/$DB_NAME"
fi
export EBO_SERVER__PORT="$PORT"
export EBO_RATE_LIMIT__ENABLED=false
export EBO_LOG__LEVEL="${EBO_LOG__LEVEL:-warn}"
export EBO_AUTH__BCRYPT_COST=4
# Mail goes to this run's folder, not to data/mail/ of the working copy (where the README's
# first session reads its own links).
export EBO_EMAIL__FILE_DIR="$WORK/mail"
unset EBO_CONFIG

start_service() {
  "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if curl -fsS "$BASE/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "FATAL: ebo serve exited" >&2
      cat "$WORK/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "FATAL: ebo serve not ready within 10 s" >&2
  cat "$WORK/server.log" >&2
  exit 1
}
