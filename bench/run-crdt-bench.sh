#!/usr/bin/env bash
# Java crdt vs yjs 13.6.33, side by side on the same machine and the same trace. Builds
# bench/<buildDir>/benchmarks.jar, runs the Java report and the matching Node script on the real yjs, then prints both
# with ratios (java / yjs). Two suites:
#   SUITE=trace (default)  io.ysync.bench.TraceReport + bench/js/yjs-trace.mjs: apply the trace as local edits, apply it
#                          as remote updates, encodeStateAsUpdate, load the encoded state (times, bytes, heap)
#   SUITE=merge            io.ysync.bench.MergeDiffReport + bench/js/yjs-merge-diff.mjs: (a) mergeUpdates of the first
#                          10,000 per-transaction updates of the trace; (b) diffUpdate of a ~1 MB state (trace x3,
#                          gc off) against a state vector taken at 90% of its edits
#
# Environment (all optional):
#   TRACE=automerge-paper     trace name (in testdata/traces/) or path (default testdata/traces/automerge-paper.json.gz)
#   WARMUP=5 RUNS=5|11        untimed / timed runs of every measurement, both implementations (RUNS: 5 trace, 11 merge)
#   JMH=1                     also run the suite's JMH benchmark with a short config (3 warmup, 5 measured)
#   BUILD_DIR=target          Maven output folder (-Dysync.buildDir)
#   SKIP_BUILD=1              reuse an existing benchmarks.jar
#   JVM_FLAGS=...             default: -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch
#     (fixed 2 GB heap so that heap sizing does not vary between runs; ParallelGC: highest throughput for a
#     single-threaded batch, and System.gc() is a full stop-the-world collection, which the heap figures need)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
SUITE=${SUITE:-trace}
case "$SUITE" in
  trace) REPORT=io.ysync.bench.TraceReport; NODE_SCRIPT=bench/js/yjs-trace.mjs; JMH_CLASS=TraceBenchmark
         COMPARE=bench/js/compare.mjs; DEFAULT_RUNS=5 ;;
  merge) REPORT=io.ysync.bench.MergeDiffReport; NODE_SCRIPT=bench/js/yjs-merge-diff.mjs; JMH_CLASS=MergeDiffBenchmark
         COMPARE=bench/js/compare-merge.mjs; DEFAULT_RUNS=11 ;;
  *) echo "run-crdt-bench: SUITE must be trace or merge, not '$SUITE'" >&2; exit 2 ;;
esac
BUILD_DIR=${BUILD_DIR:-target}
TRACE=${TRACE:-testdata/traces/automerge-paper.json.gz}
WARMUP=${WARMUP:-5}
RUNS=${RUNS:-$DEFAULT_RUNS}
JVM_FLAGS=${JVM_FLAGS:--Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch}
JAR="$ROOT/bench/$BUILD_DIR/benchmarks.jar"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  echo "== building $JAR (JAVA_HOME=$JAVA_HOME)"
  mvn -B -ntp -q -Dysync.buildDir="$BUILD_DIR" -pl bench -am package -DskipTests
fi

echo "== Java: $JAVA_HOME/bin/java $JVM_FLAGS -Dysync.trace=$TRACE -Dysync.report.warmup=$WARMUP -Dysync.report.runs=$RUNS -cp $JAR $REPORT"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -Dysync.trace="$TRACE" -Dysync.report.warmup="$WARMUP" \
  -Dysync.report.runs="$RUNS" -cp "$JAR" "$REPORT" | tee "$OUT/java.txt"

echo "== yjs: node --expose-gc --max-old-space-size=2048 $NODE_SCRIPT $TRACE --warmup=$WARMUP --runs=$RUNS"
node --expose-gc --max-old-space-size=2048 "$NODE_SCRIPT" "$TRACE" --warmup="$WARMUP" --runs="$RUNS" \
  | tee "$OUT/yjs.txt"

if [ "${JMH:-0}" = 1 ]; then
  # The forked JVM gets its heap and GC flags from the benchmark's @Fork.
  echo "== JMH (short config): java -jar $JAR $JMH_CLASS -wi 3 -i 5 -f 1 -p trace=$TRACE"
  "$JAVA_HOME/bin/java" -jar "$JAR" "$JMH_CLASS" -wi 3 -i 5 -f 1 -p trace="$TRACE"
fi

echo "== side by side"
node "$COMPARE" "$OUT/java.txt" "$OUT/yjs.txt"
