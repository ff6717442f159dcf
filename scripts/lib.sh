# shellcheck shell=bash
# Shared helpers for scripts/start.sh and scripts/stop.sh. Source it; it runs nothing by itself.
#
# After sourcing: $repo (the repository root), $state (.local, or $LATCHKEY_STATE_DIR), $logs, $pids,
# $APPS (the three services, in start order), and node_modules/.bin first on PATH (so `node` is the
# Node 24 of the `node` devDependency even when a script is run directly rather than through npm).

# shellcheck disable=SC2034 # LOG_TAG, repo, state, logs, pids are used by the sourcing scripts
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${LATCHKEY_STATE_DIR:-$repo/.local}"
logs="$state/logs"
pids="$state/pids"
# shellcheck disable=SC2034 # used by the scripts that source this file
APPS=(issuer verifier worker)
export PATH="$repo/node_modules/.bin:$PATH"

log() { printf '[%s] %s\n' "${LOG_TAG:-latchkey}" "$*" >&2; }
die() { printf '[%s] error: %s\n' "${LOG_TAG:-latchkey}" "$*" >&2; exit 1; }

# The HTTP port of a service, after .env has been loaded.
app_port() {
  case "$1" in
    issuer) echo "${ISSUER_PORT:-3000}" ;;
    verifier) echo "${VERIFIER_HTTP_PORT:-3001}" ;;
    worker) echo "${WORKER_PORT:-3002}" ;;
    *) die "unknown app $1" ;;
  esac
}

app_main() { echo "apps/$1/dist/main.js"; }
pid_file() { echo "$pids/$1.pid"; }
log_file() { echo "$logs/$1.log"; }

# The command line of a process, or nothing when it is gone.
proc_cmdline() {
  if [[ -r "/proc/$1/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
  else
    ps -p "$1" -o args= 2>/dev/null || true
  fi
}

# Prints the pid of the service started by start.sh when it is still running (and is still that
# service: a recycled pid belonging to something else does not count); fails otherwise.
app_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(proc_cmdline "$pid")" == *"$(app_main "$1")"* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# GET url answers 2xx within 2 s.
http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
  fi
}

# Strips the quotes (or, unquoted, a trailing " # comment") from a .env value. No expansion.
dotenv_unquote() {
  local v="$1"
  if [[ "$v" =~ ^\"(.*)\"[[:space:]]*(#.*)?$ ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  elif [[ "$v" =~ ^\'(.*)\'[[:space:]]*(#.*)?$ ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  else
    v="${v%%[[:space:]]#*}"
    v="${v%"${v##*[![:space:]]}"}"
    printf '%s' "$v"
  fi
}

# Calls `callback KEY VALUE` for every KEY=VALUE line of a .env file (comments, blank lines and an
# optional leading `export` are allowed; nothing is evaluated).
dotenv_each() {
  local file="$1" callback="$2" line n=0
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    line="${line%$'\r'}"
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
      "$callback" "${BASH_REMATCH[2]}" "$(dotenv_unquote "${BASH_REMATCH[3]}")"
    else
      log "ignoring line $n of $file: not KEY=VALUE"
    fi
  done <"$file"
}

declare -A _dotenv_values=()
_dotenv_collect() { _dotenv_values["$1"]="$2"; }

# Exports every variable of a .env file that the environment does not already set.
load_dotenv() {
  _dotenv_values=()
  dotenv_each "$1" _dotenv_collect # the last line for a key wins, as in dotenv_get
  local key
  for key in "${!_dotenv_values[@]}"; do
    # A variable already exported with a value wins over .env.
    if [[ -z "${!key:-}" ]]; then export "$key=${_dotenv_values[$key]}"; fi
  done
}

_dotenv_lookup_key=""
_dotenv_lookup_value=""
_dotenv_lookup() { if [[ "$1" == "$_dotenv_lookup_key" ]]; then _dotenv_lookup_value="$2"; fi; }

# Prints the value a .env file gives KEY (the last one wins), or nothing.
dotenv_get() {
  _dotenv_lookup_key="$2"
  _dotenv_lookup_value=""
  dotenv_each "$1" _dotenv_lookup
  printf '%s' "$_dotenv_lookup_value"
}
