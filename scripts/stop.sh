#!/usr/bin/env bash
# `npm stop`: stops the services `npm start` started (SIGTERM, up to STOP_TIMEOUT = 30 s to drain,
# then SIGKILL), then the infrastructure infra/infra.sh started (and nothing it merely found running).
set -euo pipefail

LOG_TAG=stop
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"

stop_timeout="${STOP_TIMEOUT:-30}"

# Parallel lists (no associative arrays: macOS ships bash 3.2).
names=()
pids_=()
for app in "${APPS[@]}"; do
  if pid="$(app_pid "$app")"; then
    log "stopping $app (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    names+=("$app")
    pids_+=("$pid")
  elif [[ -f "$(pid_file "$app")" ]]; then
    log "$app is not running (removing its stale pid file)"
    rm -f "$(pid_file "$app")"
  fi
done

ticks=$((stop_timeout * 5)) # 0.2 s each
while :; do
  left=0
  for i in ${names[@]+"${!names[@]}"}; do
    [[ -n "${pids_[$i]}" ]] || continue
    if kill -0 "${pids_[$i]}" 2>/dev/null; then
      left=$((left + 1))
    else
      log "${names[$i]} stopped"
      rm -f "$(pid_file "${names[$i]}")"
      pids_[i]=""
    fi
  done
  ((left > 0)) || break
  if ((ticks <= 0)); then
    for i in ${names[@]+"${!names[@]}"}; do
      [[ -n "${pids_[$i]}" ]] || continue
      log "${names[$i]} did not stop within ${stop_timeout}s; killing it (pid ${pids_[$i]})"
      kill -KILL "${pids_[$i]}" 2>/dev/null || true
      rm -f "$(pid_file "${names[$i]}")"
    done
    break
  fi
  sleep 0.2
  ticks=$((ticks - 1))
done

bash infra/infra.sh down
