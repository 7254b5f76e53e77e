#!/usr/bin/env bash
# `npm run soak`: the long reliability runs (README, "Reliability and security"):
#  - a 20,000-subscriber campaign on PostgreSQL with two worker processes, three SIGKILLs;
#  - 1,500 subscribers through the push-service fault mix;
#  - PostgreSQL (a private cluster) restarted under a 5,000-subscriber campaign, down 15 s;
#  - 60 s of subscribe traffic while campaigns send.
# PostgreSQL at $TEST_DATABASE_URL is required (the fault and load runs also run on PGlite).
# Figures are printed and appended to .tmp/reliability/*.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export VITE_CONFIG_NATIVE_IGNORE_WARNING=true
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export PUSHDECK_SOAK=1
if ! version=$(node scripts/pg-ping.mjs "$TEST_DATABASE_URL" 2>&1); then
  echo "The soak needs PostgreSQL at TEST_DATABASE_URL: $version" >&2
  exit 1
fi
echo "PostgreSQL $version; soak runs one file at a time."
started=$(date +%s)
npx vitest run --project pglite --project postgres --no-file-parallelism tests/reliability/
echo "==> Soak passed in $(( $(date +%s) - started ))s; figures in .tmp/reliability/"
