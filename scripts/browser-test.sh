#!/usr/bin/env bash
# The docs page in a real browser: Swagger UI end to end in headless Chromium.
#
# Starts the release binary (`ebo serve`) on a throwaway SQLite database (the development
# environment loads its small built-in feature sample), registers a user, and runs
# tests/browser/swagger-ui.mjs (playwright-core, pinned in tests/browser/package-lock.json),
# which opens /api/docs, logs in with Authorize (OAuth2 password flow), runs "Try it out" on
# GET /api/v1/features and checks that the page shows a 200 with features and that the request
# carried the login's bearer token. Screenshots go to $BROWSER_TEST_ARTIFACTS. Exits non-zero
# on any failure, 3 when Chromium or Node is missing.
#
# Usage: scripts/browser-test.sh
#
# Environment:
#   BROWSER_TEST_BIN        a built `ebo` binary (default: cargo build --release, then
#                           ${CARGO_TARGET_DIR:-target}/release/ebo)
#   BROWSER_TEST_CHROMIUM   the Chromium executable (default /usr/bin/chromium)
#   BROWSER_TEST_ARTIFACTS  where the screenshots go (default target/browser)
#   BROWSER_TEST_PASSWORD   the password the script logs in with (default: the user's);
#                           set it to a wrong one to see the test fail
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${BROWSER_TEST_CHROMIUM:-/usr/bin/chromium}"
ARTIFACTS="${BROWSER_TEST_ARTIFACTS:-target/browser}"
NODE_DIR=tests/browser

if [ ! -x "$CHROMIUM" ]; then
  echo "browser test: no Chromium at $CHROMIUM (apt-get install chromium, or set BROWSER_TEST_CHROMIUM)" >&2
  exit 3
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "browser test: node and npm are needed (Node 20 or later)" >&2
  exit 3
fi

# playwright-core as the lock file pins it (npm ci again when the installed one differs).
PINNED="$(node -p 'require("./'"$NODE_DIR"'/package-lock.json").packages["node_modules/playwright-core"].version')"
INSTALLED="$(node -p 'require("./'"$NODE_DIR"'/node_modules/playwright-core/package.json").version' 2>/dev/null || true)"
if [ "$INSTALLED" != "$PINNED" ]; then
  echo "==> installing playwright-core $PINNED into $NODE_DIR/node_modules"
  (cd "$NODE_DIR" && npm ci --silent --no-audit --no-fund)
fi

BIN="${BROWSER_TEST_BIN:-}"
DB_NAME=browser.db
# shellcheck source=scripts/lib/throwaway-service.sh
source scripts/lib/throwaway-service.sh

"$BIN" migrate >/dev/null
start_service

USERNAME="browser-user"
PASSWORD="Browser-Passw0rd-$RANDOM"
curl -fsS -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"browser-user@example.com\",\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" >/dev/null

# No screenshot from an earlier run may pass for this one.
rm -f "$ARTIFACTS"/swagger-ui*.png
echo "==> Swagger UI in headless Chromium ($BASE/api/docs)"
status=0
EBO_TEST_BASE_URL="$BASE" EBO_TEST_USERNAME="$USERNAME" \
  EBO_TEST_PASSWORD="${BROWSER_TEST_PASSWORD:-$PASSWORD}" \
  CHROMIUM_BIN="$CHROMIUM" ARTIFACT_DIR="$ARTIFACTS" \
  timeout 180 node "$NODE_DIR/swagger-ui.mjs" || status=$?

if [ "$status" -ne 0 ]; then
  echo "FAILED: the Swagger UI browser test (exit $status; screenshots in $ARTIFACTS; server log below)" >&2
  tail -n 30 "$WORK/server.log" >&2
  exit 1
fi
