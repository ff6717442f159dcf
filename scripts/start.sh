#!/usr/bin/env bash
# `npm start`: everything needed to run Latchkey on this machine, from a fresh clone. Idempotent.
#
#   1. npm install (honouring package-lock.json), when node_modules is missing or older than the lock
#   2. .env from .env.example when missing, with generated ADMIN_JWT_SECRET, INTERNAL_API_SECRET,
#      SIGNING_SECRET_ENCRYPTION_KEY and CACHE_SIGNING_KEY when it has none
#   3. Postgres, Redis, Kafka via infra/infra.sh up
#   4. build (tsc -b tsconfig.build.json) and the console (vite build), then the issuer's database migrations
#   5. issuer (public port and its internal API on INTERNAL_PORT), verifier, worker in the background (logs .local/logs/<app>.log, pids .local/pids/<app>.pid),
#      each reused when already running, and waited for until GET /health answers
#
# Configuration, strongest first: variables exported in the environment, then .env, then the
# addresses infra/infra.sh provides. START_TIMEOUT (default 90 s) bounds the wait for each service.
# `npm stop` stops the services and whatever infra.sh started.
set -euo pipefail

LOG_TAG=start
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"

start_timeout="${START_TIMEOUT:-90}"

# ---------------------------------------------------------------------------- 1. dependencies
command -v npm >/dev/null 2>&1 || die "npm is missing: install Node.js 24 (https://nodejs.org) and run npm start again"
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing dependencies"
  npm install --no-audit --no-fund >&2
  hash -r # node_modules/.bin/node (Node 24) now comes first on PATH
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 24)) || die "Node.js 24 is required, found $(node -v) at $(command -v node); run npm install (the node devDependency provides it)"

# ---------------------------------------------------------------------------- 2. .env
if [[ ! -f .env ]]; then
  if [[ -f .env.example ]]; then
    log "creating .env from .env.example"
    cp .env.example .env
  else
    log "creating .env"
    printf '# Local settings for npm start (not committed). KEY=VALUE per line.\n' >.env
  fi
  chmod 600 .env
fi
# Writes KEY=<32 random bytes, hex or base64> into .env when .env gives KEY no value: an empty KEY= line
# is replaced, otherwise one is appended. The secret travels in the environment, never on a command
# line, and is never printed. An existing value is never replaced (SIGNING_SECRET_ENCRYPTION_KEY
# decrypts what is already stored).
generate_secret_into_dotenv() {
  local key="$1" encoding="$2" secret tmp
  [[ -z "$(dotenv_get .env "$key")" ]] || return 0
  log "generating $key into .env"
  secret="$(node -e "console.log(require('crypto').randomBytes(32).toString(process.argv[1]))" "$encoding")"
  tmp="$(mktemp .env.XXXXXX)"
  KEY="$key" SECRET="$secret" awk '
    BEGIN { pattern = "^[[:space:]]*(export[[:space:]]+)?" ENVIRON["KEY"] "[[:space:]]*=" }
    $0 ~ pattern { if (!done) { print ENVIRON["KEY"] "=" ENVIRON["SECRET"]; done = 1 }; next }
    { print }
    END { if (!done) print ENVIRON["KEY"] "=" ENVIRON["SECRET"] }
  ' .env >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" .env
  unset secret
}
generate_secret_into_dotenv ADMIN_JWT_SECRET hex
generate_secret_into_dotenv INTERNAL_API_SECRET hex
generate_secret_into_dotenv SIGNING_SECRET_ENCRYPTION_KEY base64
generate_secret_into_dotenv CACHE_SIGNING_KEY hex
generate_secret_into_dotenv VERIFIER_DATABASE_PASSWORD hex
load_dotenv .env

# ---------------------------------------------------------------------------- 3. infrastructure
infra_out="$(bash infra/infra.sh up)"
while IFS= read -r line; do
  case "$line" in
    DATABASE_URL=* | REDIS_URL=* | KAFKA_BROKERS=*) export "${line?}" ;;
  esac
done <<<"$infra_out"
for v in DATABASE_URL REDIS_URL KAFKA_BROKERS; do
  [[ -n "${!v:-}" ]] || die "infra/infra.sh up did not provide $v"
done

# ---------------------------------------------------------------------------- 4. build, migrate
log "building (tsc -b tsconfig.build.json)"
npx --no -- tsc -b tsconfig.build.json >&2 || die "the build failed (npx tsc -b tsconfig.build.json)"
log "building the console (apps/console, vite build)"
(cd apps/console && npx --no -- vite build --logLevel warn) >&2 || die "the console's build failed (npm run console:build)"
for app in "${APPS[@]}"; do
  [[ -f "$(app_main "$app")" ]] || die "$(app_main "$app") is missing after the build"
done

migrate_js=""
for candidate in apps/issuer/dist/cli/migrate.js apps/issuer/dist/migrate.js; do
  if [[ -f "$candidate" ]]; then migrate_js="$candidate"; break; fi
done
[[ -n "$migrate_js" ]] || die "the issuer's migration entry point is missing (apps/issuer/dist/cli/migrate.js)"
log "running database migrations ($migrate_js)"
node "$migrate_js" >&2 || die "database migrations failed (node $migrate_js)"
# The verifier connects as the read-only role the migrations created (password set just now).
verifier_database_url="$(node -e '
  const url = new URL(process.env.DATABASE_URL);
  url.username = "latchkey_verifier";
  url.password = process.env.VERIFIER_DATABASE_PASSWORD ?? "";
  console.log(url.href);
')"

# ---------------------------------------------------------------------------- 5. services
mkdir -p "$logs" "$pids"
if command -v setsid >/dev/null 2>&1; then detach=(setsid); else detach=(nohup); fi

for app in "${APPS[@]}"; do
  port="$(app_port "$app")"
  if pid="$(app_pid "$app")"; then
    log "$app is already running (pid $pid); npm stop first to restart it with new code or settings"
    continue
  fi
  rm -f "$(pid_file "$app")"
  if port_open "$port"; then
    die "port $port (for $app) is already in use by another process; stop it, or set a different port in .env"
  fi
  if [[ "$app" == issuer ]] && port_open "${INTERNAL_PORT:-3003}"; then
    die "port ${INTERNAL_PORT:-3003} (the issuer's internal API) is already in use; stop it, or set INTERNAL_PORT in .env"
  fi
  if [[ "$app" == worker && "${ISSUER_INTERNAL_URL:-}" == *":$(app_port issuer)"* ]]; then
    die "ISSUER_INTERNAL_URL ($ISSUER_INTERNAL_URL) points at the issuer's public port; the internal API has its own: http://127.0.0.1:${INTERNAL_PORT:-3003}"
  fi
  log "starting $app on :$port (log $(log_file "$app"))"
  printf '\n==== %s start ====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$(log_file "$app")"
  # Its own session, so that Ctrl-C in this terminal does not reach it; the child records its own pid
  # (exec keeps it), whatever setsid does about forking.
  # shellcheck disable=SC2016 # $$, $1 and $2 belong to the inner shell
  app_env=()
  # The verifier's heap bounds, as its Dockerfile CMD sets them (docs/performance.md, "Verifier memory").
  [[ "$app" == verifier ]] && app_env=(DATABASE_URL="$verifier_database_url" NODE_OPTIONS="--max-semi-space-size=16 --max-old-space-size=256")
  env "${app_env[@]}" "${detach[@]}" bash -c 'echo $$ >"$1"; exec node "$2"' start-"$app" "$(pid_file "$app")" "$(app_main "$app")" \
    </dev/null >>"$(log_file "$app")" 2>&1 &
  for _ in $(seq 1 50); do
    [[ -s "$(pid_file "$app")" ]] && break
    sleep 0.1
  done
done

# The service's log since its last start (at most 40 lines).
log_tail() {
  awk '/^==== .* start ====$/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$(log_file "$1")" 2>/dev/null |
    tail -n 40 >&2 || true
}

wait_healthy() {
  local app="$1" port deadline
  port="$(app_port "$app")"
  deadline=$((SECONDS + start_timeout))
  until http_ok "http://127.0.0.1:$port/health"; do
    if ! app_pid "$app" >/dev/null; then
      log "$app exited during start-up; last lines of $(log_file "$app"):"
      log_tail "$app"
      return 1
    fi
    if ((SECONDS > deadline)); then
      log "$app did not answer GET http://127.0.0.1:$port/health within ${start_timeout}s; last lines of $(log_file "$app"):"
      log_tail "$app"
      return 1
    fi
    sleep 0.5
  done
}

failed=0
for app in "${APPS[@]}"; do
  if wait_healthy "$app"; then
    log "$app is up (pid $(app_pid "$app" || echo '?'))"
  else
    failed=1
  fi
done
if ((failed)); then die "not every service started; fix the error above, then npm start again (npm stop stops the rest)"; fi

cat <<EOF

Latchkey is running:
  console   http://localhost:$(app_port issuer)/console   the admin console (development sign-in: pick tenant, user and role)
  issuer    http://localhost:$(app_port issuer)     admin REST API        log .local/logs/issuer.log
            http://127.0.0.1:${INTERNAL_PORT:-3003}     internal API (/internal/v1, the worker's only)
  verifier  http://localhost:$(app_port verifier)     gRPC ${VERIFIER_GRPC_URL:-localhost:50051}   log .local/logs/verifier.log
  worker    http://localhost:$(app_port worker)     health/readiness      log .local/logs/worker.log
  (each service: GET /health, GET /ready)

An admin JWT for the issuer:  npm run dev:jwt -- --tenant acme --user alice --role admin
Stop everything:              npm stop
EOF
