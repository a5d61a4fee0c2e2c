#!/usr/bin/env bash
# Java crdt vs yjs 13.6.33 on the document-free update operations: builds bench/<buildDir>/benchmarks.jar, runs
# io.ysync.bench.MergeDiffReport and bench/js/yjs-merge-diff.mjs, then prints both side by side with ratios:
#   (a) mergeUpdates of the first 10,000 per-transaction updates of the trace;
#   (b) diffUpdate of a ~1 MB state (trace x3, gc off) against a state vector at 90% of its edits.
#
# Environment (all optional):
#   TRACE=automerge-paper     trace name or path (default ../shared/traces/automerge-paper.json.gz from the repo root)
#   WARMUP=5 RUNS=11           untimed / timed runs of every measurement (both implementations)
#   JMH=1                     also run the JMH MergeDiffBenchmark with a short config
#   BUILD_DIR=target          Maven output folder (-Dysync.buildDir), e.g. target-h13
#   SKIP_BUILD=1              reuse an existing benchmarks.jar
#   JVM_FLAGS=...             default: -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
BUILD_DIR=${BUILD_DIR:-target}
TRACE=${TRACE:-../shared/traces/automerge-paper.json.gz}
WARMUP=${WARMUP:-5}
RUNS=${RUNS:-11}
JVM_FLAGS=${JVM_FLAGS:--Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch}
JAR="$ROOT/bench/$BUILD_DIR/benchmarks.jar"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  echo "== building $JAR (JAVA_HOME=$JAVA_HOME)"
  mvn -B -ntp -q -Dysync.buildDir="$BUILD_DIR" -pl bench -am package -DskipTests
fi

echo "== Java: $JAVA_HOME/bin/java $JVM_FLAGS -Dysync.trace=$TRACE -Dysync.report.warmup=$WARMUP -Dysync.report.runs=$RUNS -cp $JAR io.ysync.bench.MergeDiffReport"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -Dysync.trace="$TRACE" -Dysync.report.warmup="$WARMUP" \
  -Dysync.report.runs="$RUNS" -cp "$JAR" io.ysync.bench.MergeDiffReport | tee "$OUT/java.txt"

echo "== yjs: node --expose-gc --max-old-space-size=2048 bench/js/yjs-merge-diff.mjs $TRACE --warmup=$WARMUP --runs=$RUNS"
node --expose-gc --max-old-space-size=2048 bench/js/yjs-merge-diff.mjs "$TRACE" --warmup="$WARMUP" --runs="$RUNS" \
  | tee "$OUT/yjs.txt"

if [ "${JMH:-0}" = 1 ]; then
  echo "== JMH (short config): java -jar $JAR MergeDiffBenchmark -wi 3 -i 5 -f 1 -p trace=$TRACE"
  "$JAVA_HOME/bin/java" -jar "$JAR" MergeDiffBenchmark -wi 3 -i 5 -f 1 -p trace="$TRACE"
fi

echo "== side by side"
node - "$OUT/java.txt" "$OUT/yjs.txt" <<'JS'
const fs = require('node:fs')
const result = f => JSON.parse(fs.readFileSync(f, 'utf8').split('\n').reverse().find(l => l.startsWith('RESULT ')).slice(7))
const [java, yjs] = process.argv.slice(2).map(result)
if (java.trace !== yjs.trace) throw new Error(`different traces: ${java.trace} vs ${yjs.trace}`)
const pad = (s, n) => String(s).padStart(n)
console.log(`trace ${java.trace}: (a) ${java.updates} updates, ${java.updateBytes} B; (b) state ${java.stateBytes} B`)
console.log(`${'measurement'.padEnd(40)}${pad('java', 14)}${pad('yjs', 14)}${pad('java/yjs', 10)}`)
const ms = v => `${v.toFixed(3)} ms`
const b = v => `${v} B`
for (const [label, key, fmt] of [
  ['(a) mergeUpdates x10000, median', 'aMs', ms], ['(a) mergeUpdates x10000, min', 'aMinMs', ms],
  ['(b) diffUpdate ~1 MB @90%, median', 'bMs', ms], ['(b) diffUpdate ~1 MB @90%, min', 'bMinMs', ms],
  ['(a) merged update, bytes', 'mergedBytes', b], ['(b) encoded state, bytes', 'stateBytes', b],
  ['(b) diff, bytes', 'diffBytes', b]]) {
  console.log(`${label.padEnd(40)}${pad(fmt(java[key]), 14)}${pad(fmt(yjs[key]), 14)}${pad((java[key] / yjs[key]).toFixed(2), 10)}`)
}
console.log('(ratios are java / yjs; equal byte counts are expected since the encodings are byte-identical)')
JS
