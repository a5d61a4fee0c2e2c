#!/usr/bin/env bash
# Load bench: ysync vs the reference Node server @y/websocket-server, side by side on 127.0.0.1.
#
#   bench/run-load-bench.sh [--duration SECONDS] [--scenarios rooms,fanout,idle] [--idle N] [--no-build]
#
# Builds bench and sync-server, starts both servers on free loopback ports, runs every scenario against each
# (one after the other, never concurrently), stops the servers and prints a table with ysync / reference ratios.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
duration=20; scenarios=rooms,fanout,idle; idle=2000; build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2;;
    --scenarios) scenarios=$2; shift 2;;
    --idle) idle=$2; shift 2;;
    --no-build) build=0; shift;;
    -h|--help) sed -n 2,7p "$0"; exit 0;;
    *) echo "unknown flag $1" >&2; exit 2;;
  esac
done
# shellcheck source=../scripts/find-jdk.sh
source "$root/scripts/find-jdk.sh"
JAVA_HOME=$(ysync_find_jdk); export JAVA_HOME
java="$JAVA_HOME/bin/java"
if [ "$build" = 1 ]; then
  mvn -B -ntp -q -DskipTests -pl bench,sync-server -am package >&2
fi
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { # $1 port
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "server on port $1 did not start" >&2; return 1
}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
logdir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

yport=$(free_port)
"$java" -Xmx1g -jar sync-server/target/ysync.jar serve --host 127.0.0.1 --port "$yport" --auth off \
  --store memory --rate-limit 0 --max-connections-per-ip 0 --log-level warn >"$logdir/ysync.log" 2>&1 &
ypid=$!; pids+=("$ypid")
nport=$(free_port)
HOST=127.0.0.1 PORT=$nport node node_modules/@y/websocket-server/src/server.js >"$logdir/node.log" 2>&1 &
npid=$!; pids+=("$npid")
wait_port "$yport"; wait_port "$nport"
echo "load bench: ysync pid $ypid port $yport, reference pid $npid port $nport; logs in $logdir" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -Xmx1g -cp bench/target/benchmarks.jar io.ysync.bench.load.LoadGenerator \
  --target "ysync=$yport:$ypid" --target "node=$nport:$npid" \
  --scenarios "$scenarios" --duration "$duration" --idle "$idle"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
