#!/usr/bin/env bash
# `npm test`: every test, from a fresh clone.
#  1. Debian packages npm cannot provide (Chromium, Firefox ESR);
#  2. lint and type-check;
#  3. unit tests, and the database tests on PGlite and on PostgreSQL at $TEST_DATABASE_URL —
#     the fast reliability and security runs included (tests/reliability, tests/security; the
#     long ones are `npm run soak`);
#  4. the production build, the benchmarks at smoke size (they must keep working; no timing
#     thresholds), then end-to-end tests in Chromium, then push delivery to Firefox.
# Without a reachable PostgreSQL the PostgreSQL half is skipped with a plain message, unless
# REQUIRE_POSTGRES=1 (CI), which makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export VITE_CONFIG_NATIVE_IGNORE_WARNING=true
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

started=$(date +%s)
step() { echo; echo "==> $1 (+$(( $(date +%s) - started ))s)"; }

step "System packages"
bash scripts/install-system-deps.sh

step "Lint and type-check"
npm run -s lint
npm run -s typecheck

projects=(--project unit --project pglite)
safe_url=$(echo "$TEST_DATABASE_URL" | sed -E 's#://([^:@/]+):[^@/]*@#://\1:***@#')
if version=$(node scripts/pg-ping.mjs "$TEST_DATABASE_URL" 2>/tmp/pushdeck-pg-ping.err); then
  echo "PostgreSQL $version at $safe_url: database tests run on PGlite and PostgreSQL."
  projects+=(--project postgres)
elif [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but does not answer at $safe_url: $(cat /tmp/pushdeck-pg-ping.err)" >&2
  exit 1
else
  echo "!! No PostgreSQL answers at $safe_url ($(cat /tmp/pushdeck-pg-ping.err))."
  echo "!! Skipping the PostgreSQL half of the database tests; set TEST_DATABASE_URL to run it."
fi

step "Unit and database tests"
npx vitest run "${projects[@]}"

step "Production build"
npx next build

if [[ " ${projects[*]} " == *" --project postgres "* ]]; then
  step "Benchmarks, smoke size (npm run bench -- --smoke)"
  BENCH_DATABASE_URL="$TEST_DATABASE_URL" npm run -s bench -- --smoke --no-build
else
  echo "!! No PostgreSQL: skipping the benchmark smoke run."
fi

step "End-to-end tests (Chromium)"
npx playwright test

step "End-to-end push delivery to a real browser (Firefox ESR)"
npx playwright test -c playwright.firefox.config.ts

echo
echo "==> All tests passed in $(( $(date +%s) - started ))s"
