#!/usr/bin/env bash
# Storage benchmarks (JMH, package io.ysync.bench.storage) on this machine's disk:
#   AppendBenchmark      appended updates/s, durability SYNC|ASYNC x 1|16 rooms, pipelined (many appends in flight)
#                        and awaitEach (each append awaited before the next, for reference)
#   LoadBenchmark        load of a 100,000-update document stored as a log or compacted, storage only and into a Doc
#   CompactionBenchmark  compaction of a 100,000-update log
# Builds bench/<buildDir>/benchmarks.jar first.
#
# Environment (all optional):
#   BENCH=io.ysync.bench.storage   JMH include regex (e.g. AppendBenchmark.pipelined)
#   JMH_ARGS=...                   extra JMH arguments (e.g. "-wi 1 -i 3 -p durability=SYNC")
#   BENCH_DIR=/path                where the stores are created (default: java.io.tmpdir); use a disk, not tmpfs
#   BUILD_DIR=target               Maven output folder (-Dysync.buildDir)
#   SKIP_BUILD=1                   reuse an existing benchmarks.jar
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
BUILD_DIR=${BUILD_DIR:-target}
BENCH=${BENCH:-io.ysync.bench.storage}
JAR="$ROOT/bench/$BUILD_DIR/benchmarks.jar"

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  echo "== building $JAR (JAVA_HOME=$JAVA_HOME)"
  mvn -B -ntp -q -Dysync.buildDir="$BUILD_DIR" -pl bench -am package -DskipTests
fi

EXTRA=()
if [ -n "${BENCH_DIR:-}" ]; then
  mkdir -p "$BENCH_DIR"
  EXTRA+=(-jvmArgsAppend "-Dysync.bench.dir=$BENCH_DIR")
fi
echo "== disk: $(df -h "${BENCH_DIR:-${TMPDIR:-/tmp}}" | tail -1)"
echo "== $JAVA_HOME/bin/java -jar $JAR $BENCH ${JMH_ARGS:-} ${EXTRA[*]:-}"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" -jar "$JAR" "$BENCH" ${JMH_ARGS:-} "${EXTRA[@]}"
