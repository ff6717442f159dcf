#!/usr/bin/env bash
# Makes Postgres, Redis and Kafka available for Latchkey and prints where they are.
#
#   infra/infra.sh up     make them available (idempotent), then print their addresses
#   infra/infra.sh env    print the addresses only; starts nothing
#   infra/infra.sh down   stop what `up` started (and nothing else)
#   infra/infra.sh down kafka redis ...   stop only those of what `up` started (local mode)
#
# stdout of `up` and `env` is exactly three lines, for scripts and test harnesses (KEY=VALUE, raw):
#   DATABASE_URL=postgresql://...
#   REDIS_URL=redis://...
#   KAFKA_BROKERS=host:port[,host:port...]
# Everything meant for humans goes to stderr.
#
# Where each service comes from, in order of preference:
#   1. the environment: DATABASE_URL / REDIS_URL / KAFKA_BROKERS, when set, are used as given and
#      nothing is started for them (each variable on its own);
#   2. docker: when a Docker engine answers `docker info`, `docker compose up -d --wait` of the
#      postgres / redis / kafka services of docker-compose.yml, reached on their published ports
#      (127.0.0.1:54320, 127.0.0.1:63790, 127.0.0.1:9094);
#   3. local: the machine's Postgres on 127.0.0.1:5432 (database `latchkey`, created when missing),
#      Redis on 127.0.0.1:6379 (each started only when installed and not running), and a Kafka
#      broker on 127.0.0.1:9092 from infra/kafka/kafka.sh.
# INFRA_MODE=local|docker|env forces 2 or 3 for the variables that are not set (env: all three must
# be set; nothing is started). INFRA_TIMEOUT (default 60) is how long to wait for each service.
# Also honoured: LATCHKEY_STATE_DIR (default .local), KAFKA_PORT / KAFKA_CONTROLLER_PORT (local
# broker), INFRA_REDIS_PORT (local Redis, default 6379), and for docker mode POSTGRES_PASSWORD,
# REDIS_PASSWORD, POSTGRES_HOST_PORT, REDIS_HOST_PORT, KAFKA_HOST_PORT (environment or .env, as docker-compose.yml).
#
# What `up` started is recorded in .local/infra-started (the mode in .local/infra-mode); `down` stops
# exactly those: in docker mode `docker compose down`; in local mode only a Postgres cluster, Redis
# server or Kafka broker that `up` itself had to start, never one that was already running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=infra
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$here/../scripts/lib.sh"

compose_file="$repo/docker-compose.yml"
kafka_sh="$here/kafka/kafka.sh"
started_file="$state/infra-started"
mode_file="$state/infra-mode"
timeout_s="${INFRA_TIMEOUT:-60}"

local_pg_port=5432
local_db=latchkey
local_redis_port="${INFRA_REDIS_PORT:-6379}"
local_kafka_port="${KAFKA_PORT:-9092}"
local_kafka_addr=""

VARS=(DATABASE_URL REDIS_URL KAFKA_BROKERS)

service_of() {
  case "$1" in
    DATABASE_URL) echo postgres ;;
    REDIS_URL) echo redis ;;
    KAFKA_BROKERS) echo kafka ;;
  esac
}

given() { [[ -n "${!1:-}" ]]; }

missing_vars() {
  local v
  for v in "${VARS[@]}"; do given "$v" || echo "$v"; done
}

with_timeout() {
  local secs="$1"
  shift
  if command -v timeout >/dev/null 2>&1; then timeout "$secs" "$@"; else "$@"; fi
}

wait_until() {
  local what="$1" deadline=$((SECONDS + timeout_s))
  shift
  until "$@"; do
    if ((SECONDS >= deadline)); then die "$what did not accept connections within ${timeout_s}s"; fi
    sleep 0.5
  done
}

record_started() {
  mkdir -p "$state"
  touch "$started_file"
  grep -qxF "$1" "$started_file" || echo "$1" >>"$started_file"
}

# A setting for the docker stack: the environment, else .env (which compose reads too), else default.
conf() {
  local v="${!1:-}"
  if [[ -z "$v" ]]; then v="$(dotenv_get "$repo/.env" "$1")"; fi
  printf '%s' "${v:-$2}"
}

# ---------------------------------------------------------------------------------------------- docker

docker_engine_ok() {
  command -v docker >/dev/null 2>&1 && with_timeout "${DOCKER_INFO_TIMEOUT:-5}" docker info >/dev/null 2>&1
}

compose_v2() { docker compose version >/dev/null 2>&1; }

compose() {
  local -a cmd
  if compose_v2; then
    cmd=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    cmd=(docker-compose)
  else
    die "the Docker engine answers but Docker Compose is missing: install the compose plugin (docker-compose-plugin)"
  fi
  # docker-compose.yml requires the services' secrets, and Compose checks them even for commands that
  # do not touch the services. Infra commands never start them, so a placeholder stands in for each
  # secret set nowhere; `docker compose up` of the services themselves still refuses.
  local -a placeholders=()
  local name
  for name in ADMIN_JWT_SECRET INTERNAL_API_SECRET SIGNING_SECRET_ENCRYPTION_KEY CACHE_SIGNING_KEY; do
    if [[ -z "${!name:-}" && -z "$(dotenv_get "$repo/.env" "$name")" ]]; then
      placeholders+=("$name=unused-by-infra-services")
    fi
  done
  env "${placeholders[@]}" "${cmd[@]}" -f "$compose_file" "$@"
}

docker_addr() {
  case "$1" in
    DATABASE_URL) echo "postgresql://postgres:$(conf POSTGRES_PASSWORD postgres)@127.0.0.1:$(conf POSTGRES_HOST_PORT 54320)/latchkey" ;;
    REDIS_URL) echo "redis://:$(conf REDIS_PASSWORD latchkey-dev)@127.0.0.1:$(conf REDIS_HOST_PORT 63790)" ;;
    KAFKA_BROKERS) echo "127.0.0.1:$(conf KAFKA_HOST_PORT 9094)" ;;
  esac
}

up_docker() {
  local -a services=()
  local v
  for v in $(missing_vars); do services+=("$(service_of "$v")"); done
  [[ -f "$compose_file" ]] || die "$compose_file is missing"
  log "docker: starting ${services[*]} (docker compose up -d --wait)"
  if compose_v2; then
    compose up -d --wait "${services[@]}" || die "docker compose up failed; see: docker compose logs ${services[*]}"
  else
    compose up -d "${services[@]}" || die "docker-compose up failed; see: docker-compose logs ${services[*]}"
  fi
  record_started docker
  for v in $(missing_vars); do
    case "$v" in
      DATABASE_URL) wait_until "Postgres on 127.0.0.1:$(conf POSTGRES_HOST_PORT 54320)" pg_ready 127.0.0.1 "$(conf POSTGRES_HOST_PORT 54320)" ;;
      REDIS_URL) wait_until "Redis on 127.0.0.1:$(conf REDIS_HOST_PORT 63790)" redis_ping 127.0.0.1 "$(conf REDIS_HOST_PORT 63790)" ;;
      KAFKA_BROKERS) wait_until "Kafka on 127.0.0.1:$(conf KAFKA_HOST_PORT 9094)" port_open "$(conf KAFKA_HOST_PORT 9094)" ;;
    esac
  done
  log "docker: ready"
}

# ----------------------------------------------------------------------------------------------- local

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=3 pg_isready -q -h "$1" -p "$2"
  else
    port_open "$2"
  fi
}

# Redis answers: PONG, or NOAUTH from a server that wants a password (the Compose one, REDIS_PASSWORD).
redis_ping() {
  local reply
  if command -v redis-cli >/dev/null 2>&1; then
    reply="$(with_timeout 3 redis-cli -h "$1" -p "$2" ping 2>/dev/null)"
    [[ "$reply" == PONG || "$reply" == NOAUTH* ]]
  else
    (
      exec 3<>"/dev/tcp/$1/$2"
      printf 'PING\r\n' >&3
      IFS= read -r -t 2 reply <&3
      [[ "$reply" == +PONG* || "$reply" == -NOAUTH* ]]
    ) 2>/dev/null
  fi
}

local_pg_version() {
  local ver
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  ver="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$ver" && -d "/etc/postgresql/$ver/main" ]] || return 1
  echo "$ver"
}

ensure_local_postgres() {
  local rc=0 ver
  local tool
  for tool in pg_isready psql createdb; do
    command -v "$tool" >/dev/null 2>&1 ||
      die "the PostgreSQL client tools (pg_isready, psql, createdb) are missing: install PostgreSQL (apt-get install -y postgresql), or set DATABASE_URL, or run a Docker engine"
  done
  PGCONNECT_TIMEOUT=3 pg_isready -q -h 127.0.0.1 -p "$local_pg_port" || rc=$?
  if ((rc == 0)); then
    log "Postgres: using the server on 127.0.0.1:$local_pg_port"
  elif ((rc == 1)); then
    log "Postgres: the server on 127.0.0.1:$local_pg_port is starting; waiting"
    wait_until "Postgres on 127.0.0.1:$local_pg_port" pg_ready 127.0.0.1 "$local_pg_port"
  else
    ver="$(local_pg_version)" ||
      die "Postgres does not answer on 127.0.0.1:$local_pg_port and no local cluster is installed (/etc/postgresql/<version>/main): install it (apt-get install -y postgresql), or set DATABASE_URL, or run a Docker engine"
    log "Postgres: starting the local cluster $ver/main"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 ||
      die "could not start the Postgres cluster $ver/main (pg_ctlcluster $ver main start); see /var/log/postgresql/postgresql-$ver-main.log"
    record_started "postgres $ver"
    wait_until "Postgres on 127.0.0.1:$local_pg_port" pg_ready 127.0.0.1 "$local_pg_port"
    log "Postgres: ready"
  fi
}

db_exists() {
  local out
  out="$(PGCONNECT_TIMEOUT=5 psql -X -h 127.0.0.1 -p "$local_pg_port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='$local_db'" 2>&1)" ||
    die "cannot query Postgres on 127.0.0.1:$local_pg_port as user postgres: $out
  (the local default expects the postgres role with trust auth on 127.0.0.1; otherwise set DATABASE_URL)"
  [[ "$out" == 1 ]]
}

ensure_local_db() {
  if db_exists; then return; fi
  log "Postgres: creating database $local_db"
  local out
  if ! out="$(createdb -h 127.0.0.1 -p "$local_pg_port" -U postgres "$local_db" 2>&1)"; then
    db_exists || die "could not create database $local_db: $out"   # else: created concurrently
  fi
}

ensure_local_redis() {
  if redis_ping 127.0.0.1 "$local_redis_port"; then
    log "Redis: using the server on 127.0.0.1:$local_redis_port"
    return
  fi
  if port_open "$local_redis_port"; then
    log "Redis: 127.0.0.1:$local_redis_port is open but does not answer PING yet; waiting"
    wait_until "Redis on 127.0.0.1:$local_redis_port" redis_ping 127.0.0.1 "$local_redis_port"
    return
  fi
  command -v redis-server >/dev/null 2>&1 ||
    die "Redis does not answer on 127.0.0.1:$local_redis_port and redis-server is not installed: install it (apt-get install -y redis-server), or set REDIS_URL, or run a Docker engine"
  log "Redis: starting redis-server on 127.0.0.1:$local_redis_port"
  mkdir -p "$state/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$local_redis_port" --save "" --appendonly no \
    --dir "$state/redis" --pidfile "$state/redis/redis.pid" --logfile "$state/redis/redis.log" >&2 ||
    die "redis-server did not start; see $state/redis/redis.log"
  record_started redis
  wait_until "Redis on 127.0.0.1:$local_redis_port" redis_ping 127.0.0.1 "$local_redis_port"
  log "Redis: ready"
}

ensure_local_kafka() {
  local out was_running=0
  [[ -f "$kafka_sh" ]] || die "$kafka_sh is missing"
  if bash "$kafka_sh" status 2>/dev/null || port_open "$local_kafka_port"; then was_running=1; fi
  if ((!was_running)) && ! { command -v java && command -v mvn; } >/dev/null 2>&1; then
    die "no Kafka broker on 127.0.0.1:$local_kafka_port, and the local one needs java and maven (apt-get install -y default-jre-headless maven); or set KAFKA_BROKERS, or run a Docker engine"
  fi
  out="$(KAFKA_PORT="$local_kafka_port" bash "$kafka_sh" start)" ||
    die "the local Kafka broker did not start; see $state/kafka/server.log (or set KAFKA_BROKERS)"
  local_kafka_addr="$(tail -n 1 <<<"$out")"
  [[ -n "$local_kafka_addr" ]] || die "infra/kafka/kafka.sh start printed no address"
  if ((!was_running)); then record_started kafka; fi
  log "Kafka: ready on $local_kafka_addr"
}

up_local() {
  local v
  for v in $(missing_vars); do
    case "$v" in
      DATABASE_URL)
        ensure_local_postgres
        ensure_local_db
        ;;
      REDIS_URL) ensure_local_redis ;;
      KAFKA_BROKERS) ensure_local_kafka ;;
    esac
  done
}

local_addr() {
  case "$1" in
    DATABASE_URL) echo "postgresql://postgres@127.0.0.1:$local_pg_port/$local_db" ;;
    REDIS_URL) echo "redis://127.0.0.1:$local_redis_port" ;;
    KAFKA_BROKERS) echo "${local_kafka_addr:-127.0.0.1:$local_kafka_port}" ;;
  esac
}

# ------------------------------------------------------------------------------------------------ main

# Which mode provides the variables that are not set. $1: up | env.
resolve_mode() {
  local requested="${INFRA_MODE:-auto}" missing recorded
  case "$requested" in
    auto | local | docker | env) ;;
    *) die "INFRA_MODE must be local, docker or env (got '$requested')" ;;
  esac
  missing="$(missing_vars | tr '\n' ' ')"
  missing="${missing% }"
  if [[ -z "$missing" ]]; then echo env; return; fi
  case "$requested" in
    env) die "INFRA_MODE=env needs DATABASE_URL, REDIS_URL and KAFKA_BROKERS; not set: $missing" ;;
    local | docker) echo "$requested"; return ;;
  esac
  if [[ "$1" == env ]]; then
    recorded="$(cat "$mode_file" 2>/dev/null || true)"
    if [[ "$recorded" == local || "$recorded" == docker ]]; then echo "$recorded"; return; fi
  fi
  if docker_engine_ok; then echo docker; else echo local; fi
}

print_env() {
  local mode="$1" v
  for v in "${VARS[@]}"; do
    if given "$v"; then
      echo "$v=${!v}"
    elif [[ "$mode" == docker ]]; then
      echo "$v=$(docker_addr "$v")"
    else
      echo "$v=$(local_addr "$v")"
    fi
  done
}

cmd_up() {
  local mode v
  # Only the three KEY=VALUE lines go to the real stdout (fd 3); everything else goes to stderr.
  exec 3>&1 1>&2
  mode="$(resolve_mode up)"
  for v in "${VARS[@]}"; do
    if given "$v"; then log "$v is set: using it as given"; fi
  done
  case "$mode" in
    env) log "all of DATABASE_URL, REDIS_URL, KAFKA_BROKERS are set: starting nothing" ;;
    docker)
      if ! docker_engine_ok; then die "INFRA_MODE=docker but the Docker engine does not answer (docker info failed)"; fi
      up_docker
      ;;
    local) up_local ;;
  esac
  mkdir -p "$state"
  echo "$mode" >"$mode_file"
  print_env "$mode" >&3
}

cmd_env() {
  print_env "$(resolve_mode env)"
}

# Whether `down` was asked to stop this service (every one, when no service was named).
asked_to_stop() {
  local name
  ((${#only[@]} == 0)) && return 0
  for name in "${only[@]}"; do [[ "$name" == "$1" ]] && return 0; done
  return 1
}

cmd_down() {
  local mode="${INFRA_MODE:-}" what ver stopped=0
  local -a only=("$@")
  if [[ -z "$mode" || "$mode" == auto ]]; then mode="$(cat "$mode_file" 2>/dev/null || true)"; fi
  if [[ -f "$started_file" ]] && grep -qx docker "$started_file"; then mode=docker; fi
  if [[ "$mode" == docker ]]; then
    docker_engine_ok || die "the Docker engine does not answer; cannot run docker compose down"
    if ((${#only[@]} == 0)); then
      log "docker: docker compose down"
      compose down >&2
    else
      log "docker: removing ${only[*]}"
      compose rm -s -f "${only[@]}" >&2
    fi
    stopped=1
  fi
  if [[ -f "$started_file" ]]; then
    # Stop in the reverse order of start.
    while read -r what ver; do
      asked_to_stop "$what" || continue
      case "$what" in
        kafka)
          log "Kafka: stopping the broker infra.sh started"
          bash "$kafka_sh" stop || log "Kafka: stop failed"
          stopped=1
          ;;
        redis)
          log "Redis: stopping the server infra.sh started"
          if command -v redis-cli >/dev/null 2>&1; then
            redis-cli -h 127.0.0.1 -p "$local_redis_port" shutdown nosave >&2 2>/dev/null || true
          elif [[ -f "$state/redis/redis.pid" ]]; then
            kill "$(cat "$state/redis/redis.pid")" 2>/dev/null || true
          fi
          stopped=1
          ;;
        postgres)
          log "Postgres: stopping the cluster $ver/main infra.sh started"
          pg_ctlcluster --skip-systemctl-redirect "$ver" main stop >&2 || log "Postgres: stop failed"
          stopped=1
          ;;
      esac
    done < <(awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$started_file")
  fi
  if ((!stopped)); then log "nothing to stop: infra.sh started nothing (services that were already running are left alone)"; fi
  if [[ "$mode" != docker ]] && bash "$kafka_sh" status 2>/dev/null && ! grep -qx kafka "$started_file" 2>/dev/null; then
    log "Kafka: leaving the running broker alone (infra.sh did not start it; infra/kafka/kafka.sh stop stops it)"
  fi
  if ((${#only[@]} == 0)); then
    rm -f "$started_file" "$mode_file"
  elif [[ -f "$started_file" ]]; then
    # Forget only what was stopped; the rest is still for a later `down` to stop.
    local kept
    kept="$(while read -r what ver; do asked_to_stop "$what" || echo "$what${ver:+ $ver}"; done <"$started_file")"
    if [[ -n "$kept" ]]; then printf '%s\n' "$kept" >"$started_file"; else rm -f "$started_file" "$mode_file"; fi
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  env) cmd_env ;;
  down) shift; cmd_down "$@" ;;
  *)
    echo "usage: $0 up|down|env   (INFRA_MODE=local|docker|env to force a mode)" >&2
    exit 2
    ;;
esac
