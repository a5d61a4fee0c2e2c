#!/usr/bin/env bash
# Comparison benchmark: ysync against @y/websocket-server and @hocuspocus/server (the versions pinned in
# package.json), and ysync on two instances with Redis against one instance. Everything runs on 127.0.0.1 on free
# ports, one server at a time: every (scenario, server) pair gets a freshly started server, so RSS figures do not carry
# documents of earlier scenarios. Prints Markdown tables (absolute values and ratios) on stdout.
#
#   bench/run-compare.sh [--duration 10] [--warmup 2] [--scenarios rooms,fanout,saturate,idle,load] (also: everyday,
#       everyday-awareness: issue 17's everyday loads; run the script under `nice -n -10` as the issue did)
#       [--servers ysync-rocksdb,ysync-memory,y-websocket,hocuspocus (also: ysync-hocuspocus)] [--idle 2000,10000]
#       [--idle-hold 3]
#       [--rates 10,20,40,80,160,240,320,480] [--step-seconds 5] [--ladder-rooms 50] [--ladder-clients 4]
#       [--ladder-writers CLIENTS] [--ladder-warmup-seconds 15] [--ladder-warmup-rate 20] [--slo-ms 100]
#       [--doc-updates 20000] [--load-clients 5]
#       [--cross | --no-cross | --cross-only] [--cross-store rocksdb|memory] [--build-dir target] [--no-build]
#       [--out DIR]
#
# Servers: ysync-rocksdb = `ysync serve` with its defaults (RocksDB store, --durability sync: every update is fsynced
# before it is echoed and broadcast); ysync-memory = `ysync serve --store memory`; ysync-hocuspocus = the same
# `ysync serve` as ysync-rocksdb, driven through its Hocuspocus endpoint (/hocuspocus); y-websocket =
# node_modules/@y/websocket-server/src/server.js without persistence; hocuspocus = bench/js/hocuspocus-server.mjs
# (no extensions). The Node servers keep documents in memory only. Auth is off and ysync's per-connection rate limit
# and per-IP connection limit are off (the load generator opens thousands of connections from one IP).
# Scenarios: see bench/src/main/java/io/ysync/bench/load/{Scenario,ScenarioRunner,DocLoadRun}.java. The saturation
# ladder writes unmeasured for --ladder-warmup-seconds (JIT warm-up of server and load generator) before its first
# step, against every server, at --ladder-warmup-rate edits/s per writer (a rate every server sustains, so no
# backlog carries into the measured steps); --ladder-writers (default: all clients) sets how many clients of each
# room write, e.g. the fanout shape: --ladder-rooms 1 --ladder-clients 200 --ladder-writers 5.
# The cross-instance part (default: on when redis-server is installed) starts redis-server and ysync instances with
# --redis-url; --cross-only runs just that part.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"

duration=10; warmup=2; scenarios=rooms,fanout,saturate,idle,load
servers=ysync-rocksdb,ysync-memory,y-websocket,hocuspocus
idle=2000,10000; idle_hold=3; rates=10,20,40,80,160,240,320,480; step_seconds=5; ladder_rooms=50; ladder_clients=4
slo_ms=100; doc_updates=20000; load_clients=5; ladder_writers=""; ladder_warmup_seconds=15; ladder_warmup_rate=20
cross=auto; cross_store=rocksdb; build_dir=target; build=1; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2;;
    --warmup) warmup=$2; shift 2;;
    --scenarios) scenarios=$2; shift 2;;
    --servers) servers=$2; shift 2;;
    --idle) idle=$2; shift 2;;
    --idle-hold) idle_hold=$2; shift 2;;
    --rates) rates=$2; shift 2;;
    --step-seconds) step_seconds=$2; shift 2;;
    --ladder-rooms) ladder_rooms=$2; shift 2;;
    --ladder-clients) ladder_clients=$2; shift 2;;
    --ladder-writers) ladder_writers=$2; shift 2;;
    --ladder-warmup-seconds) ladder_warmup_seconds=$2; shift 2;;
    --ladder-warmup-rate) ladder_warmup_rate=$2; shift 2;;
    --slo-ms) slo_ms=$2; shift 2;;
    --doc-updates) doc_updates=$2; shift 2;;
    --load-clients) load_clients=$2; shift 2;;
    --cross) cross=on; shift;;
    --no-cross) cross=off; shift;;
    --cross-only) cross=only; shift;;
    --cross-store) cross_store=$2; shift 2;;
    --build-dir) build_dir=$2; shift 2;;
    --no-build) build=0; shift;;
    --out) out=$2; shift 2;;
    -h|--help) sed -n 2,27p "$0"; exit 0;;
    *) echo "unknown flag $1 (see --help)" >&2; exit 2;;
  esac
done

# shellcheck source=../scripts/find-jdk.sh
source "$root/scripts/find-jdk.sh"
JAVA_HOME=$(ysync_find_jdk); export JAVA_HOME
java="$JAVA_HOME/bin/java"
major=$(ysync_jdk_major "$JAVA_HOME")
ysync_jar="$root/sync-server/$build_dir/ysync.jar"
bench_jar="$root/bench/$build_dir/benchmarks.jar"
if [ "$build" = 1 ]; then
  echo "compare: building sync-server and bench into */$build_dir ..." >&2
  if [ "$major" -ge 24 ]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi
  mvn -B -ntp -q -DskipTests "-Dysync.buildDir=$build_dir" -pl bench,sync-server -am package >&2
fi
for f in "$ysync_jar" "$bench_jar"; do
  [ -f "$f" ] || { echo "compare: $f is missing (run without --no-build)" >&2; exit 1; }
done
for f in node_modules/@y/websocket-server/src/server.js node_modules/@hocuspocus/server/package.json; do
  [ -f "$f" ] || { echo "compare: $f is missing: run npm ci in $root" >&2; exit 1; }
done
# The JVM flags of the ./ysync launcher. Chronicle Map's --add-opens/--add-exports are not listed here: `java -jar`
# takes them from ysync.jar's manifest (Add-Opens / Add-Exports, written from the root pom's ysync.addOpens /
# ysync.addExports).
if ! python3 -c 'import sys, zipfile
sys.exit(0 if b"\nAdd-Opens:" in b"\n" + zipfile.ZipFile(sys.argv[1]).read("META-INF/MANIFEST.MF") else 1)' "$ysync_jar"; then
  echo "compare: $ysync_jar has no Add-Opens manifest entry (Chronicle Map would fail): rebuild it" >&2; exit 1
fi
# shellcheck source=../scripts/jvm-flags.sh
source "$root/scripts/jvm-flags.sh"
ysync_serve_jvm_flags "$major"   # honours YSYNC_GC_OPTS and YSYNC_JAVA_OPTS like the launcher
ysync_flags=("${YSYNC_SERVE_JVM_FLAGS[@]}")
client_flags=(-Xmx2g -XX:+UseParallelGC)
if [ "$major" -ge 24 ]; then
  client_flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
fi

# 10,000 idle connections need 10,000 descriptors in the server and in the client.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 11000 ]; then
  echo "compare: warning: ulimit -n is $(ulimit -n); idle runs above about $(( $(ulimit -n) - 200 )) fail" >&2
fi

[ -n "$out" ] || out=$(mktemp -d /tmp/ysync-compare.XXXXXX)
mkdir -p "$out"
results="$out/results.jsonl"; cross_results="$out/results-cross.jsonl"
: >"$results"; : >"$cross_results"
echo "compare: results and server logs in $out" >&2

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { # $1 port, $2 pid
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "compare: server pid $2 exited before listening" >&2; return 1; }
    sleep 0.2
  done
  echo "compare: server on port $1 did not start" >&2; return 1
}
stop() { # $1 pid: SIGTERM (graceful: ysync flushes), SIGKILL after 20 s
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local keep=()
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  pids=(${keep[@]+"${keep[@]}"})
}

# start_server KIND LOGNAME [extra ysync flags...]: sets $port and $pid
start_server() {
  local kind=$1 log="$out/$2.log"; shift 2
  port=$(free_port)
  case "$kind" in
    ysync-rocksdb|ysync-memory|ysync-hocuspocus)
      local store=rocksdb
      [ "$kind" = ysync-memory ] && store=memory
      "$java" "${ysync_flags[@]}" -jar "$ysync_jar" serve --host 127.0.0.1 --port "$port" --auth off \
        --store "$store" --data-dir "$(mktemp -d "$out/data.XXXXXX")" --rate-limit 0 --max-connections-per-ip 0 \
        --log-level warn "$@" >"$log" 2>&1 &
      ;;
    y-websocket) HOST=127.0.0.1 PORT=$port node node_modules/@y/websocket-server/src/server.js >"$log" 2>&1 & ;;
    hocuspocus) HOST=127.0.0.1 PORT=$port node bench/js/hocuspocus-server.mjs >"$log" 2>&1 & ;;
    *) echo "compare: unknown server $kind" >&2; exit 2;;
  esac
  pid=$!; pids+=("$pid")
  wait_port "$port" "$pid"
}
label() {
  case "$1" in
    ysync-rocksdb) echo "ysync (RocksDB, fsync)";;
    ysync-memory) echo "ysync (memory)";;
    ysync-hocuspocus) echo "ysync Hocuspocus (RocksDB, fsync)";;
    y-websocket) echo "@y/websocket-server $(node -p 'require("./node_modules/@y/websocket-server/package.json").version')";;
    hocuspocus) echo "@hocuspocus/server $(node -p 'require("./node_modules/@hocuspocus/server/package.json").version')";;
  esac
}
protocol() { case "$1" in hocuspocus|ysync-hocuspocus) echo hocuspocus;; *) echo y-websocket;; esac; }
loadgen() { "$java" "${client_flags[@]}" -cp "$bench_jar" io.ysync.bench.load.LoadGenerator \
  --duration "$duration" --warmup "$warmup" --idle "$idle" --idle-hold "$idle_hold" --rates "$rates" \
  --step-seconds "$step_seconds" --ladder-rooms "$ladder_rooms" --ladder-clients "$ladder_clients" \
  --ladder-writers "${ladder_writers:-$ladder_clients}" --ladder-warmup-seconds "$ladder_warmup_seconds" \
  --ladder-warmup-rate "$ladder_warmup_rate" \
  --slo-ms "$slo_ms" --doc-updates "$doc_updates" --load-clients "$load_clients" \
  "$@" 2> >(grep -v '^SLF4J' >&2) >/dev/null; }

started=$(date +%s)
echo "compare: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
IFS=, read -r -a scenario_list <<<"$scenarios"
IFS=, read -r -a server_list <<<"$servers"
refs=()
for s in "${server_list[@]}"; do case "$s" in y-websocket|hocuspocus) refs+=(--ref "$(label "$s")");; esac; done

if [ "$cross" != only ]; then
  runs=()  # one fresh server per run; every idle connection count is a run of its own
  for scenario in "${scenario_list[@]}"; do
    if [ "$scenario" = idle ]; then
      IFS=, read -r -a counts <<<"$idle"
      for n in "${counts[@]}"; do runs+=("idle:$n"); done
    else
      runs+=("$scenario:0")
    fi
  done
  for run in "${runs[@]}"; do
    scenario=${run%%:*}; n=${run#*:}
    name=$scenario; extra=()
    if [ "$scenario" = idle ]; then name="idle$n"; extra=(--idle "$n"); fi
    for s in "${server_list[@]}"; do
      start_server "$s" "$name-$s"
      echo "compare: $name on $(label "$s") (pid $pid, port $port)" >&2
      loadgen --protocol "$(protocol "$s")" --scenarios "$scenario" --target "$(label "$s")=$port:$pid" \
        ${extra[@]+"${extra[@]}"} --out "$results" || echo "compare: $name on $s failed (see above)" >&2
      stop "$pid"
    done
  done
fi

run_cross=0
if [ "$cross" = on ] || [ "$cross" = only ]; then run_cross=1; fi
if [ "$cross" = auto ] && command -v redis-server >/dev/null 2>&1; then run_cross=1; fi
if [ "$run_cross" = 1 ]; then
  command -v redis-server >/dev/null 2>&1 || { echo "compare: redis-server is not installed" >&2; exit 1; }
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no >"$out/redis.log" 2>&1 &
  rpid=$!; pids+=("$rpid")
  wait_port "$rport" "$rpid"
  redis_url="redis://127.0.0.1:$rport"
  one="ysync x1"; pubsub="ysync x2 + Redis pub/sub"; shared="ysync x2 + Redis shared log"
  redis_cpu() { # seconds of CPU redis-server used so far (user + system)
    redis-cli -p "$rport" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ {s += $2} END {printf "%.2f", s}'
  }
  : >"$out/redis-cpu.txt"
  for scenario in cross saturate; do
    start_server "ysync-$cross_store" "$scenario-x1"
    p1=$port; pid1=$pid
    echo "compare: cross-instance $scenario on one instance (pid $pid1)" >&2
    loadgen --scenarios "$scenario" --target "$one=$p1:$pid1" --out "$cross_results" \
      || echo "compare: $scenario on one instance failed" >&2
    stop "$pid1"
    # two instances: pub/sub only (each instance its own copy, the design before the shared log) and the shared
    # log (every update appended to the document's Redis stream before the echo: the default)
    for mode in pubsub shared; do
      if [ "$mode" = pubsub ]; then name=$pubsub; shared_flag=false; else name=$shared; shared_flag=true; fi
      flags=(--redis-url "$redis_url" --redis-shared-log "$shared_flag" --redis-key-prefix "ysync-$scenario-$mode:")
      start_server "ysync-$cross_store" "$scenario-x2-$mode-a" "${flags[@]}"
      p1=$port; pid1=$pid
      start_server "ysync-$cross_store" "$scenario-x2-$mode-b" "${flags[@]}"
      p2=$port; pid2=$pid
      echo "compare: cross-instance $scenario on two instances, $mode (pids $pid1 $pid2, redis $rport)" >&2
      cpu0=$(redis_cpu)
      loadgen --scenarios "$scenario" --target "$name=$p1:$pid1,$p2:$pid2" --out "$cross_results" \
        || echo "compare: $scenario on two instances ($mode) failed" >&2
      cpu1=$(redis_cpu)
      echo "| $scenario | $name | $(python3 -c "print(f'{$cpu1 - $cpu0:.2f}')") |" >>"$out/redis-cpu.txt"
      stop "$pid1"; stop "$pid2"
    done
  done
  echo "redis-server memory after the runs: $(redis-cli -p "$rport" info memory | tr -d '\r' \
    | awk -F: '/^used_memory_human:/ {print $2}')" >>"$out/redis-cpu.txt"
  stop "$rpid"
fi

report() { "$java" -cp "$bench_jar" io.ysync.bench.load.CompareReport "$@"; }
{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "load generator and servers on the same machine; $(node --version) node, JDK $major;"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); total $(( $(date +%s) - started )) s."
  echo
  if [ -s "$results" ]; then
    report --in "$results" ${refs[@]+"${refs[@]}"}
    echo
  fi
  if [ -s "$cross_results" ]; then
    echo "Cross-instance (ysync --store $cross_store; one room's clients alternate between the instances):"
    echo
    report --in "$cross_results" --ref "ysync x1"
    if grep -q '"target":"ysync x2 + Redis[^"]*","step":"","metrics":{[^}]*"cross_per_s":0\.0' "$cross_results"; then
      echo
      echo "**No update crossed instances** in a two-instance run: --redis-url had no effect in this build."
    fi
    echo
    echo "redis-server CPU seconds during each two-instance run:"
    echo
    echo "| scenario | target | redis-server CPU s |"
    echo "|---|---|---|"
    cat "$out/redis-cpu.txt"
    echo
    cat "$out/redis-memory.txt"
  fi
} | tee "$out/compare.md"
