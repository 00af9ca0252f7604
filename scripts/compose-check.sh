#!/usr/bin/env bash
# Validates compose.yaml against the Compose file schema, offline and without a container
# engine, and checks that each required variable (POSTGRES_PASSWORD, JWT_SECRET_KEY) is
# enforced: leaving it unset must fail with its name. About a second.
#
# Validator, first found: `docker compose` (v2 plugin), else `docker-compose` v1.29 (Debian's
# `docker-compose` package: apt-get install docker-compose). Exits 2 when neither is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if docker compose version >/dev/null 2>&1; then
  echo "validator: $(docker compose version)"
  validate() { docker compose -f compose.yaml config -q; }
elif command -v docker-compose >/dev/null; then
  echo "validator: $(docker-compose version --short 2>/dev/null || echo docker-compose v1)"
  # v1.29's schema predates the top-level `name:` key (a string in today's Compose
  # specification); everything else is checked as written.
  validate() {
    sed '/^name:/d' compose.yaml >"$tmp/compose.yaml"
    docker-compose -f "$tmp/compose.yaml" --project-directory . config -q
  }
else
  echo "compose-check: no validator installed (apt-get install docker-compose)" >&2
  exit 2
fi

export POSTGRES_PASSWORD=compose-check-not-a-real-password
JWT_SECRET_KEY=$(printf 'k%.0s' $(seq 1 40))
export JWT_SECRET_KEY
validate
echo "compose.yaml: valid"

for v in POSTGRES_PASSWORD JWT_SECRET_KEY; do
  if (unset "$v"; validate) >/dev/null 2>"$tmp/err"; then
    echo "FAIL: compose.yaml was accepted without $v" >&2
    exit 1
  fi
  # The message is the `${VAR:?message}` text; v1 also quotes the uninterpolated environment,
  # so drop every ${...} before looking for it.
  if ! sed -E 's/\$\{[^}]*\}//g' "$tmp/err" | grep -q "set $v"; then
    cat "$tmp/err" >&2
    echo "FAIL: without $v the error above does not ask for it" >&2
    exit 1
  fi
  echo "without $v: refused, asking for it"
done
