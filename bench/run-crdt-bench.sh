#!/usr/bin/env bash
# Java crdt vs yjs 13.6.33 on one editing trace: builds bench/<buildDir>/benchmarks.jar, runs
# io.ysync.bench.TraceReport and bench/js/yjs-trace.mjs, then prints both tables side by side with ratios.
#
# Environment (all optional):
#   TRACE=automerge-paper     trace name or path (default ../shared/traces/automerge-paper.json.gz from the repo root)
#   WARMUP=5 RUNS=5           untimed / timed runs of every measurement (both implementations)
#   JMH=1                     also run the JMH TraceBenchmark with a short config (3 warmup, 5 measured single shots)
#   BUILD_DIR=target          Maven output folder (-Dysync.buildDir), e.g. target-h5
#   SKIP_BUILD=1              reuse an existing benchmarks.jar
#   JVM_FLAGS=...             default: -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch
#     (fixed 2 GB heap so that heap sizing does not vary between runs; ParallelGC: highest throughput for a
#     single-threaded batch, and System.gc() is a full stop-the-world collection, which the heap figures need)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
BUILD_DIR=${BUILD_DIR:-target}
TRACE=${TRACE:-../shared/traces/automerge-paper.json.gz}
WARMUP=${WARMUP:-5}
RUNS=${RUNS:-5}
JVM_FLAGS=${JVM_FLAGS:--Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch}
JAR="$ROOT/bench/$BUILD_DIR/benchmarks.jar"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  echo "== building $JAR (JAVA_HOME=$JAVA_HOME)"
  mvn -B -ntp -q -Dysync.buildDir="$BUILD_DIR" -pl bench -am package -DskipTests
fi

echo "== Java: $JAVA_HOME/bin/java $JVM_FLAGS -Dysync.trace=$TRACE -Dysync.report.warmup=$WARMUP -Dysync.report.runs=$RUNS -cp $JAR io.ysync.bench.TraceReport"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -Dysync.trace="$TRACE" -Dysync.report.warmup="$WARMUP" \
  -Dysync.report.runs="$RUNS" -cp "$JAR" io.ysync.bench.TraceReport | tee "$OUT/java.txt"

echo "== yjs: node --expose-gc --max-old-space-size=2048 bench/js/yjs-trace.mjs $TRACE --warmup=$WARMUP --runs=$RUNS"
node --expose-gc --max-old-space-size=2048 bench/js/yjs-trace.mjs "$TRACE" --warmup="$WARMUP" --runs="$RUNS" \
  | tee "$OUT/yjs.txt"

if [ "${JMH:-0}" = 1 ]; then
  # The forked JVM gets -Xms2g -Xmx2g -XX:+UseParallelGC from TraceBenchmark's @Fork.
  echo "== JMH (short config): java -jar $JAR TraceBenchmark -wi 3 -i 5 -f 1 -p trace=$TRACE"
  "$JAVA_HOME/bin/java" -jar "$JAR" TraceBenchmark -wi 3 -i 5 -f 1 -p trace="$TRACE"
fi

echo "== side by side"
node bench/js/compare.mjs "$OUT/java.txt" "$OUT/yjs.txt"
