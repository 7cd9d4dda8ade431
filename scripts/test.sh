#!/usr/bin/env bash
# Every test: unit and integration tests (against real PostgreSQL clusters started the
# same way the shop starts its own), then the browser tests in Chromium, with JavaScript
# off and hydrated. Run through `make test`, which builds first.
set -euo pipefail
cd "$(dirname "$0")/.."

printf '\033[1m==> unit and integration tests\033[0m\n'
cargo test -p localpg -p types -p domain -p demo -p app -p server

printf '\033[1m==> browser tests\033[0m\n'
# A fresh shop for the browser tests; under /tmp so PostgreSQL's own user can reach it
# when the tests run as root.
E2E_DATA_DIR=$(mktemp -d /tmp/vitrine-e2e.XXXXXX)
chmod 755 "$E2E_DATA_DIR"
trap 'rm -rf "$E2E_DATA_DIR"' EXIT
export E2E_DATA_DIR
npx playwright test --config end2end/playwright.config.ts
