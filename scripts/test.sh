#!/usr/bin/env bash
# Run Vigil's test suite: the web UI's lint (ESLint) and unit tests (node --test), then
# `cargo test --workspace --locked` (debug profile), against SQLite and, when a server
# is at hand, PostgreSQL.
#
#   scripts/test.sh [extra cargo test args, e.g. -p vigil-geo, or -- --nocapture]
#
# PostgreSQL: if VIGIL_TEST_POSTGRES is set, the tests use that server. Otherwise, if
# PostgreSQL's server binaries are installed (Debian: apt-get install postgresql), this
# script starts a throwaway server with scripts/pg-start.sh and stops it at the end.
# Otherwise the Postgres half of the tests is skipped (and said so). Under CI=true a
# missing Postgres is an error, so CI can never pass by skipping it.
#
# The UI checks need node and `npm ci` (ESLint is a devDependency). Without node they
# are skipped (and said so), except under CI=true, where a missing node is a failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() { printf '\n===== %s =====\n' "$*"; }

section "test environment"
# shellcheck source=scripts/pg-start.sh
source scripts/pg-start.sh
started_pg=""
cleanup() {
    local rc=$?
    if [[ -n $started_pg ]]; then vigil_pg_stop || true; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n ${VIGIL_TEST_POSTGRES:-} ]]; then
    echo "PostgreSQL: using VIGIL_TEST_POSTGRES=$VIGIL_TEST_POSTGRES"
elif vigil_pg_bindir >/dev/null; then
    echo "PostgreSQL: VIGIL_TEST_POSTGRES is unset; starting a throwaway server"
    started_pg=1
    vigil_pg_start
elif [[ ${CI:-} == true ]]; then
    echo "ERROR: CI=true but VIGIL_TEST_POSTGRES is unset and no PostgreSQL server binaries were found" >&2
    exit 1
else
    echo "PostgreSQL: SKIPPED — VIGIL_TEST_POSTGRES is unset and no server binaries were found."
    echo "  The Postgres half of the tests will be skipped. To run it, install PostgreSQL"
    echo "  (Debian: apt-get install postgresql) or point VIGIL_TEST_POSTGRES at a server"
    echo "  where the role may create databases, e.g."
    echo "  postgres://vigil:vigil@127.0.0.1:5432/vigil_test"
fi

# The UI embeds Leaflet from node_modules at build time, and the browser test needs
# playwright-core: install them once if they are missing.
if [[ -f package-lock.json && ! -d node_modules ]]; then
    if command -v npm >/dev/null 2>&1; then
        echo "node_modules is missing: npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    else
        echo "node_modules is missing and npm is not installed: the UI builds without Leaflet and the browser test is skipped"
    fi
fi

for tool in hxlvalidate xmllint chromium chromedriver node; do
    if command -v "$tool" >/dev/null 2>&1; then
        printf '%-13s %s\n' "$tool:" "$(command -v "$tool")"
    else
        printf '%-13s %s\n' "$tool:" "not found (tests that need it skip or fail, as they choose)"
    fi
done
cargo --version
rustc --version

section "web UI: eslint and node --test (crates/server/ui)"
if command -v node >/dev/null 2>&1 && [[ -x node_modules/.bin/eslint ]]; then
    node --version
    start=$SECONDS
    node_modules/.bin/eslint --max-warnings 0 --format ./scripts/eslint-summary.mjs .
    node --test crates/server/tests/ui/*.test.mjs
    echo "web UI checks: done in $((SECONDS - start)) s"
elif [[ ${CI:-} == true ]]; then
    echo "ERROR: CI=true but node or node_modules/.bin/eslint is missing (install Node.js, then npm ci)" >&2
    exit 1
else
    echo "web UI checks: SKIPPED — node or node_modules/.bin/eslint is missing (install Node.js, then npm ci)"
fi

section "cargo test --workspace --locked $*"
start=$SECONDS
cargo test --workspace --locked "$@"
echo "cargo test: done in $((SECONDS - start)) s"
