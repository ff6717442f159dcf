#!/usr/bin/env bash
# The whole test suite from a fresh clone (`npm test`): installs dependencies if needed, then type-checks,
# lints, builds, and runs the unit and end-to-end tests. The end-to-end tests bring up Postgres, Redis
# and Kafka themselves (see e2e/src/support/global-setup.ts) and the run stops what it started. Ends
# with one line: "N passed, N failed".
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export PATH="$repo/node_modules/.bin:$PATH" NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

if [[ ! -x node_modules/.bin/jest ]]; then
  npm install --no-audit --no-fund
fi

# What the run starts (the local Kafka broker, typically), it stops at the end, leaving alone what was
# already running; LATCHKEY_KEEP_INFRA=1 keeps it for faster reruns and says how to stop it.
started_file="${LATCHKEY_STATE_DIR:-$repo/.local}/infra-started"
started_before="$(cat "$started_file" 2>/dev/null || true)"
stop_what_the_run_started() {
  local now what ver
  local -a names=()
  now="$(cat "$started_file" 2>/dev/null || true)"
  while read -r what ver; do
    [[ -z "$what" ]] && continue
    grep -qx "$what${ver:+ $ver}" <<<"$started_before" || names+=("$what")
  done <<<"$now"
  ((${#names[@]} > 0)) || return 0
  if [[ "${LATCHKEY_KEEP_INFRA:-}" == 1 ]]; then
    echo "left running for the next run (LATCHKEY_KEEP_INFRA=1): ${names[*]}; stop with: bash infra/infra.sh down ${names[*]}"
  else
    bash infra/infra.sh down "${names[@]}" 2>/dev/null || echo "could not stop ${names[*]}: run bash infra/infra.sh down ${names[*]}"
    echo "stopped what this run started: ${names[*]}"
  fi
}
trap stop_what_the_run_started EXIT

results="$repo/.local/test-results"
rm -rf "$results" && mkdir -p "$results"

step() {
  local name=$1; shift
  local started=$SECONDS
  printf '\n=== %s\n' "$name"
  if ! "$@"; then
    printf '=== %s: FAILED (%ss)\n' "$name" $((SECONDS - started))
    return 1
  fi
  printf '=== %s: ok (%ss)\n' "$name" $((SECONDS - started))
}

step "node $(node --version)" true
step typecheck bash -c 'tsc -p tsconfig.json --noEmit && tsc -p apps/console/tsconfig.json'
step lint bash -c 'nx show projects >/dev/null && eslint . --max-warnings 0 && prettier --check "apps/**/*.ts" "apps/console/src/**/*.tsx" "libs/**/*.ts" "e2e/**/*.ts" >/dev/null'
step build tsc -b tsconfig.build.json
# The console's and the client SDK's API types must match the issuer's OpenAPI document (npm run
# console:client regenerates them).
step console-client bash scripts/console-client.sh --check
# The issuer's and the verifier's OpenAPI documents pass redocly lint's recommended rules (redocly.yaml).
step openapi-lint bash scripts/openapi-lint.sh
step console-build bash -c 'cd apps/console && npx --no -- vite build --logLevel warn'

status=0
step unit jest --selectProjects unit --json --outputFile "$results/unit.json" || status=1
if [[ $status -eq 0 ]]; then
  # The console's component tests (Vitest, jsdom, a fake API).
  step console bash -c 'cd apps/console && npx --no -- vitest run --reporter=default --reporter=json --outputFile.json="$1"' _ "$results/console.json" || status=1
fi
if [[ $status -eq 0 ]]; then
  # Repositories on real Postgres (one fresh migrated database); no other service needed.
  step medium jest --selectProjects medium --runInBand --json --outputFile "$results/medium.json" || status=1
fi
if [[ $status -eq 0 ]]; then
  # A hard limit, so a hung run fails with its output instead of running into CI's own limit; --forceExit
  # because a leaked handle must not hold a finished run (services are killed on exit, see service-process.ts).
  step e2e timeout --kill-after=30s "${E2E_TIME_LIMIT:-45m}" \
    jest --selectProjects e2e --runInBand --forceExit --json --outputFile "$results/e2e.json" || status=1
fi

stop_what_the_run_started
trap - EXIT

# Judge by the result files too: Jest can exit 0 when its global setup fails, having run nothing.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0, problems = [];
  for (const suite of ["unit", "console", "medium", "e2e"]) {
    const file = `${process.argv[1]}/${suite}.json`;
    if (!fs.existsSync(file)) { problems.push(`${suite}: no results (did not run)`); continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped += r.numPendingTests + r.numTodoTests;
    if (!r.success) problems.push(`${suite}: failed`);
    if (r.numTotalTests === 0) problems.push(`${suite}: ran no test`);
  }
  for (const p of problems) console.error(p);
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(problems.length > 0 ? 1 : 0);
' "$results" || status=1
exit $status
