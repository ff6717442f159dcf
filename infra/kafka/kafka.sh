#!/usr/bin/env bash
# A local single-node Apache Kafka (KRaft, combined broker + controller) for hosts without a Docker engine.
#
#   infra/kafka/kafka.sh start    fetch the jars from Maven Central (once), format storage (once), start, wait
#   infra/kafka/kafka.sh stop     stop the broker this script started (by its pid)
#   infra/kafka/kafka.sh status   exit 0 when the broker started here is running
#
# Idempotent: a second `start` reuses the running broker. State lives in $KAFKA_STATE_DIR (default:
# <repo>/.local/kafka), the jars in $KAFKA_LIBS_DIR (default: <state>/libs); nothing downloaded is committed.
# KAFKA_PORT / KAFKA_CONTROLLER_PORT move the listeners, so a second, throw-away broker can run beside the
# first (the end-to-end outage test does this).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="${KAFKA_STATE_DIR:-${LATCHKEY_STATE_DIR:-$repo/.local}/kafka}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
libs="${KAFKA_LIBS_DIR:-$state/libs}"
data="$state/data"
pidfile="$state/kafka.pid"
logfile="$state/server.log"
props="$state/server.properties"

log() { printf '[kafka] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

fetch_jars() {
  if [[ -f "$libs/.complete" ]]; then return; fi
  log "fetching Kafka jars from Maven Central into $libs"
  mkdir -p "$libs"
  mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
}

write_config() {
  mkdir -p "$state"
  cat >"$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${data}
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
  cat >"$state/log4j.properties" <<LOG4J
log4j.rootLogger=WARN, file
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${logfile}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
LOG4J
}

java_cmd() {
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of flags
  JAVA_CMD=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$state/log4j.properties" -cp "$libs/*")
}

format_storage() {
  if [[ -f "$data/meta.properties" ]]; then return; fi
  log "formatting KRaft storage in $data"
  mkdir -p "$data"
  java_cmd
  "${JAVA_CMD[@]}" kafka.tools.StorageTool format -t "$("${JAVA_CMD[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$props" --ignore-formatted >&2
}

wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until port_open "$port" && grep -q 'started (kafka.server.KafkaRaftServer)' "$logfile" 2>/dev/null; do
    if ! running; then
      log "broker exited during start-up; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      exit 1
    fi
    if ((SECONDS > deadline)); then
      log "broker did not become ready in time; see $logfile"
      exit 1
    fi
    sleep 0.5
  done
}

start() {
  if running; then
    log "reusing the running broker (pid $(cat "$pidfile")) on 127.0.0.1:$port"
    echo "127.0.0.1:$port"
    return
  fi
  if port_open "$port"; then
    log "port $port is already served by another process; using it as the broker"
    echo "127.0.0.1:$port"
    return
  fi
  command -v java >/dev/null || { log "java is required to run the local broker"; exit 1; }
  command -v mvn >/dev/null || { log "maven is required to fetch the broker"; exit 1; }
  fetch_jars
  write_config
  format_storage
  : >"$logfile"
  log "starting broker on 127.0.0.1:$port"
  java_cmd
  # The broker outlives this script (setsid) and must hold none of its caller's descriptors: an
  # inherited pipe (a caller's captured stdout) would stay open, and the caller would wait for the
  # broker to exit. The subshell closes every descriptor above 2, then execs setsid, which execs java,
  # so $! is the broker's pid.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done 2>/dev/null
    exec setsid "${JAVA_CMD[@]}" kafka.Kafka "$props" </dev/null >>"$state/stdout.log" 2>&1
  ) &
  echo $! >"$pidfile"
  wait_ready
  log "ready (pid $(cat "$pidfile"))"
  echo "127.0.0.1:$port"
}

stop() {
  if ! running; then
    rm -f "$pidfile"
    log "no broker started here is running"
    return
  fi
  local pid
  pid="$(cat "$pidfile")"
  log "stopping broker (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "broker did not stop in 60 s; killing it"
    kill -9 "$pid" || true
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
