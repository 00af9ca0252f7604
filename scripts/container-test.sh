#!/usr/bin/env bash
# Builds the image from `Containerfile` with podman, runs it against PostgreSQL and then on its
# default SQLite volume, and each time waits until the image's own HEALTHCHECK (`ebo health`,
# run by podman inside the container) passes. Exits non-zero on the first failure.
#
#   cargo build --release -p app --bin ebo && scripts/container-test.sh
#
# Needs podman (root), PostgreSQL at PG_URL (a role that may create databases; a scratch
# database is created and dropped) and a built binary at EBO_BIN. It does not compile inside
# the image: `--build-context build=DIR` puts EBO_BIN (and config.toml) where the Containerfile's
# `build` stage would leave them, so only the runtime stage is built; the `build` stage, which
# needs the Rust image, is skipped and nothing is pulled for it.
#
# Runtime base image, first that works: RUNTIME_IMAGE if set; the Containerfile's own
# gcr.io/distroless/cc-debian12:nonroot if it can be pulled; else a distroless-like image
# assembled from this host's own glibc and libgcc (`ldd EBO_BIN`), CA bundle and a nonroot
# user (no shell, like distroless), which is faithful on a Debian 12 host such as CI's.
#
# Environment knobs: EBO_BIN, PG_URL, TEST_PORT (two ports from it, host network),
# CONTAINER_RUNTIME (default: runc when installed, since crun 1.8 refuses hosts with hybrid
# cgroups), HEALTH_WAIT_SECS (default 60), KEEP_IMAGES=1 to keep the images built here.
set -euo pipefail
cd "$(dirname "$0")/.."

EBO_BIN="${EBO_BIN:-${CARGO_TARGET_DIR:-target}/release/ebo}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
TEST_PORT="${TEST_PORT:-18431}"
HEALTH_WAIT_SECS="${HEALTH_WAIT_SECS:-60}"
DISTROLESS=gcr.io/distroless/cc-debian12:nonroot
TAG="localhost/ebo-container-test:$$"
BASE_IMAGE="localhost/ebo-container-test-base:$$"
DB="ebo_container_test_$$"
VOLUME="ebo-container-test-data-$$"

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -x "$EBO_BIN" ] || fail "no binary at $EBO_BIN (cargo build --release -p app --bin ebo)"
command -v podman >/dev/null || fail "podman is not installed"

RUNTIME_ARGS=()
if [ -n "${CONTAINER_RUNTIME:-}" ]; then
  RUNTIME_ARGS=(--runtime "$CONTAINER_RUNTIME")
elif command -v runc >/dev/null; then
  RUNTIME_ARGS=(--runtime runc)
fi
pm() { podman "${RUNTIME_ARGS[@]}" "$@"; }
# Lower than any sane host limit: podman's defaults try to raise them, which a container
# without CAP_SYS_RESOURCE (a CI sandbox) refuses with "setrlimit: Operation not permitted".
ULIMITS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)

work=$(mktemp -d)
containers=()
cleanup() {
  local rc=$?
  set +e
  for c in "${containers[@]}"; do
    if [ "$rc" -ne 0 ]; then
      echo "--- logs of $c:" >&2
      pm logs "$c" 2>&1 | tail -40 >&2
    fi
    pm rm -f -v "$c" >/dev/null 2>&1
  done
  pm volume rm -f "$VOLUME" >/dev/null 2>&1
  psql "$PG_URL" -qAtc "drop database if exists $DB" >/dev/null 2>&1
  if [ -z "${KEEP_IMAGES:-}" ]; then
    podman rmi -f "$TAG" "$BASE_IMAGE" >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# What the `build` stage leaves in /out.
mkdir -p "$work/bin/out/data"
cp "$EBO_BIN" "$work/bin/out/ebo"
cp config.toml "$work/bin/out/config.toml"

step "runtime base image"
if [ -n "${RUNTIME_IMAGE:-}" ]; then
  base="$RUNTIME_IMAGE"
elif timeout 60 podman pull -q "$DISTROLESS" >/dev/null 2>&1; then
  base="$DISTROLESS"
else
  echo "cannot pull $DISTROLESS; assembling a distroless-like base from this host's libraries"
  root="$work/rootfs"
  mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot"
  chmod 1777 "$root/tmp"
  chown 65532:65532 "$root/home/nonroot"
  # Every shared object the binary loads, the dynamic loader included, at the same paths.
  for lib in $(ldd "$EBO_BIN" | grep -o '/[^ ]*'); do
    cp --parents -L "$lib" "$root/"
  done
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  tar -C "$root" -c . | podman import -q - "$BASE_IMAGE" >/dev/null
  base="$BASE_IMAGE"
fi
echo "runtime base: $base"

step "podman build --format docker -f Containerfile (runtime stage; binary: $EBO_BIN)"
podman build -q --format docker -f Containerfile -t "$TAG" \
  --build-context build="$work/bin" --build-arg RUNTIME_IMAGE="$base" . >/dev/null
hc=$(podman image inspect --format '{{json .HealthCheck}}' "$TAG")
echo "image HEALTHCHECK: $hc"
case "$hc" in *'/usr/local/bin/ebo'*health*) ;; *) fail "the image has no HEALTHCHECK running ebo health" ;; esac
user=$(podman image inspect --format '{{.User}}' "$TAG")
[ "$user" = "65532:65532" ] || fail "image user is '$user', expected 65532:65532"

# Polls the HEALTHCHECK (podman runs the image's command inside the container) until it passes.
# Without systemd, `podman run` logs "unable to get systemd connection to add healthchecks":
# podman then has no timer running the check every 30 s, which is why it is run here.
wait_healthy() { # container
  local c=$1 status
  for _ in $(seq 1 "$HEALTH_WAIT_SECS"); do
    if [ "$(pm inspect --format '{{.State.Running}}' "$c")" != true ]; then
      fail "container $c exited"
    fi
    if pm healthcheck run "$c" >/dev/null 2>&1; then
      status=$(pm inspect --format '{{.State.Health.Status}}' "$c")
      echo "healthy: $c (health status: $status)"
      [ "$status" = healthy ] || fail "healthcheck passed but status is '$status'"
      return 0
    fi
    sleep 1
  done
  fail "container $c not healthy after ${HEALTH_WAIT_SECS}s"
}

step "run against PostgreSQL (production settings, as compose.yaml), wait for HEALTHCHECK"
psql "$PG_URL" -qAtc "create database $DB" >/dev/null
pg_db_url="${PG_URL%/*}/$DB"
c=$(pm run -d --net=host "${ULIMITS[@]}" --name "ebo-container-test-pg-$$" \
  -e EBO_ENVIRONMENT=production \
  -e DATABASE_URL="$pg_db_url" \
  -e JWT_SECRET_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  -e ALLOWED_ORIGINS=https://app.example.com \
  -e EBO_EMAIL__LINK_BASE_URL=https://app.example.com \
  -e EBO_METRICS__BIND=127.0.0.1:0 \
  -e EBO_SERVER__PORT="$TEST_PORT" \
  "$TAG")
containers+=("$c")
wait_healthy "$c"
# DATABASE_URL must have won over the image's default: the migrations are in PostgreSQL.
n=$(psql "$pg_db_url" -qAtc 'select count(*) from schema_migrations')
echo "schema_migrations rows in $DB: $n"
[ "$n" -gt 0 ] || fail "the service did not migrate PostgreSQL (did the image's SQLite default win?)"

step "run on the image's default SQLite database in a named volume, wait for HEALTHCHECK"
pm volume create "$VOLUME" >/dev/null
c=$(pm run -d --net=host "${ULIMITS[@]}" --name "ebo-container-test-sqlite-$$" \
  -v "$VOLUME:/app/data" -e EBO_SERVER__PORT="$((TEST_PORT + 1))" "$TAG")
containers+=("$c")
wait_healthy "$c"
db_file="$(pm volume inspect --format '{{.Mountpoint}}' "$VOLUME")/ebo.db"
[ -s "$db_file" ] || fail "no SQLite database at $db_file"
echo "SQLite database in the volume, owned by uid $(stat -c %u "$db_file")"

step "container test passed"
