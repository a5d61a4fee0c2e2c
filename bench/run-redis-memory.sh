#!/usr/bin/env bash
# Redis memory per document of ysync's shared log (docs/scale-out.md): starts redis-server and one `ysync serve
# --redis-url` instance (RocksDB, defaults) on free loopback ports, writes --updates text appends into each of --docs
# documents over REST (io.ysync.bench.load.SharedLogMemory), prints Redis's used memory per document, and repeats for
# every size in --updates. Below the server's --redis-compact-entries (here --compact-entries) a document is its
# stream of entries; above it, the compacted snapshot plus the tail.
#
#   bench/run-redis-memory.sh [--docs 10000] [--updates 20,120] [--compact-entries 100] [--line 40]
#       [--build-dir target] [--no-build]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
docs=10000; updates=20,120; compact=100; line=40; build_dir=target; build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=$2; shift 2;;
    --updates) updates=$2; shift 2;;
    --line) line=$2; shift 2;;
    --compact-entries) compact=$2; shift 2;;
    --build-dir) build_dir=$2; shift 2;;
    --no-build) build=0; shift;;
    -h|--help) sed -n 2,10p "$0"; exit 0;;
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
  if [ "$major" -ge 24 ]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi
  mvn -B -ntp -q -DskipTests "-Dysync.buildDir=$build_dir" -pl bench,sync-server -am package >&2
fi
command -v redis-server >/dev/null 2>&1 || { echo "redis-memory: redis-server is not installed" >&2; exit 1; }
flags=(-XX:+UseParallelGC -Xss8m)
if [ "$major" -ge 24 ]; then flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow); fi
out=$(mktemp -d /tmp/ysync-redis-memory.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done
  echo "redis-memory: nothing listens on $1" >&2; return 1; }
echo "--redis-compact-entries $compact:"
echo
echo "| documents | updates per document | line chars | Redis bytes per document | keys | write s |"
echo "|---|---|---|---|---|---|"
IFS=, read -r -a sizes <<<"$updates"
for n in "${sizes[@]}"; do
  rport=$(free_port); sport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no >"$out/redis-$n.log" 2>&1 &
  rpid=$!; pids+=("$rpid"); wait_port "$rport"
  "$java" "${flags[@]}" -jar "$ysync_jar" serve --host 127.0.0.1 --port "$sport" --auth off --rate-limit 0 \
    --data-dir "$out/data-$n" --redis-url "redis://127.0.0.1:$rport" --redis-compact-entries "$compact" \
    --room-grace PT1S --log-level warn >"$out/ysync-$n.log" 2>&1 &
  spid=$!; pids+=("$spid"); wait_port "$sport"
  json=$("$java" -cp "$bench_jar" io.ysync.bench.load.SharedLogMemory --server "127.0.0.1:$sport" \
    --redis "127.0.0.1:$rport" --docs "$docs" --updates "$n" --line "$line")
  echo "$json" >>"$out/results.jsonl"
  python3 - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print("| {:,} | {} | {} | {:,.0f} | {:,} | {} |".format(r["docs"], r["updates_per_doc"], r["line_chars"],
      r["bytes_per_doc"], r["keys"], r["seconds"]))
PY
  kill "$spid" "$rpid"; wait "$spid" "$rpid" 2>/dev/null || true
done
echo "redis-memory: logs in $out" >&2
