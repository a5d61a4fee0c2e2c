#!/usr/bin/env bash
# Heap and RSS per idle WebSocket connection (with an awareness state) of a running ysync server.
#
#   sync-server/scripts/idle-footprint.sh [N] [serve flags...]     (default N = 2000)
#   env: SERVER_JAR (default sync-server/target/ysync.jar), BENCH_JAR (default bench/target/benchmarks.jar),
#        SERVER_JVM (default: the flags of ./ysync serve, scripts/jvm-flags.sh), HOLD (seconds the connections stay
#        open, default 25)
#
# Starts `ysync serve --store memory` on a free loopback port, forces a full GC and takes a class histogram, opens N
# idle connections in rooms of 10 with the bench load generator (scenario idle: each sends one awareness state),
# then forces a full GC again and prints the heap used, RSS and the histogram difference per connection (the largest
# classes first). With -XX:NativeMemoryTracking=summary in SERVER_JVM it also prints the native memory difference
# (jcmd VM.native_memory summary.diff). A measurement tool, not a test: nothing is asserted. Needs jcmd (the JDK's)
# and python3.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cd "$root"
n=${1:-2000}; shift || true
server_jar=${SERVER_JAR:-sync-server/target/ysync.jar}
bench_jar=${BENCH_JAR:-bench/target/benchmarks.jar}
# shellcheck source=../../scripts/find-jdk.sh
source "$root/scripts/find-jdk.sh"
JAVA_HOME=$(ysync_find_jdk); export JAVA_HOME; PATH=$JAVA_HOME/bin:$PATH
# shellcheck source=../../scripts/jvm-flags.sh
source "$root/scripts/jvm-flags.sh"
ysync_serve_jvm_flags "$(ysync_jdk_major "$JAVA_HOME")"
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
# shellcheck disable=SC2086
if [ -n "${SERVER_JVM:-}" ]; then read -r -a server_jvm <<<"$SERVER_JVM"; else server_jvm=("${YSYNC_SERVE_JVM_FLAGS[@]}"); fi
java "${server_jvm[@]}" --enable-native-access=ALL-UNNAMED -jar "$server_jar" serve --port "$port" --auth off \
  --store memory --rate-limit 0 --max-connections-per-ip 0 --log-level warn "$@" >"$work/server.log" 2>&1 &
spid=$!
gpid=
trap 'kill $spid $gpid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
measure() { # $1 = label
  jcmd "$spid" GC.run >/dev/null; sleep 0.5
  jcmd "$spid" GC.class_histogram >"$work/hist-$1.txt"
  echo "$1: heap $(jcmd "$spid" GC.heap_info | grep -o 'used [0-9]*K' | head -1), $(grep VmRSS "/proc/$spid/status")"
}
measure before
nmt=0
if [[ " ${server_jvm[*]} " == *NativeMemoryTracking=summary* ]]; then nmt=1; jcmd "$spid" VM.native_memory baseline >/dev/null; fi
java -Xmx1g -cp "$bench_jar" io.ysync.bench.load.LoadGenerator --target "ysync=$port:$spid" --scenarios idle \
  --idle "$n" --idle-hold "${HOLD:-25}" >"$work/generator.out" 2>&1 &
gpid=$!
connected=0
for _ in $(seq 1 600); do
  connected=$(curl -s "127.0.0.1:$port/metrics" | awk '$1=="ysync_connections"{print $2}')
  [ "${connected:-0}" -ge "$n" ] && break
  sleep 0.5
done
sleep 3
measure after
echo "connections: $connected"
if [ "$nmt" = 1 ]; then
  echo "native memory difference (committed):"
  jcmd "$spid" VM.native_memory summary.diff | grep -E '^(Total|-)' | grep -v '+0KB)$' || true
fi
python3 - "$work/hist-before.txt" "$work/hist-after.txt" "$connected" <<'PY'
import re, sys
def load(p):
    d = {}
    for line in open(p):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return d
a, b, n = load(sys.argv[1]), load(sys.argv[2]), max(1, int(sys.argv[3]))
rows = sorted(((b.get(k, (0, 0))[1] - a.get(k, (0, 0))[1], b.get(k, (0, 0))[0] - a.get(k, (0, 0))[0], k)
               for k in set(a) | set(b)), reverse=True)
print("live heap per connection (class histogram difference): %.0f bytes" % (sum(r[0] for r in rows) / n))
for size, count, name in rows[:15]:
    print("  %7.1f B  %5.2f objects  %s" % (size / n, count / n, name))
PY
