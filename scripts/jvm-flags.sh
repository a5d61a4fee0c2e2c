#!/usr/bin/env bash
# The JVM flags of `ysync serve`, in one place for the ./ysync launcher, bench/run-compare.sh,
# sync-server/scripts/idle-footprint.sh and the tests' ServeProcess. Source-safe: only defines ysync_serve_jvm_flags.
#
#   ysync_serve_jvm_flags MAJOR   sets the array YSYNC_SERVE_JVM_FLAGS and exports MALLOC_ARENA_MAX
#
# Chosen by measurement (README "Memory and JVM defaults" has the figures and commands): G1 with a heap that starts
# at 32 MiB in 1 MiB regions and keeps 20-40% free (an idle server's live heap is ~10 MiB, an everyday load's ~20 MiB;
# with 16 MiB and 10-20% free, G1 at everyday load ran a concurrent cycle every few seconds and a young or mixed pause
# every 0.2 s, up to 58 ms: 23% more CPU per update and a longer p99 for 15 MiB less RSS;
# ParallelGC's 384 MiB initial heap and its eden were most of the old 250 MiB idle RSS, and its adaptive sizing grew
# the heap past 1 GiB under saturation), while G1 still sizes its young generation for throughput under saturation
# (the serial collector with a small young generation lost half the peak); two glibc malloc arenas instead of 8 per
# core; freed malloc memory (JIT compiler arenas) given back every 5 s; 1 MiB Netty pool chunks instead of 4 MiB.
#
# Operators override: YSYNC_GC_OPTS replaces the collector and heap-sizing flags (e.g. '-XX:+UseSerialGC -Xms16m'
# for the smallest footprint, '-XX:+UseParallelGC' for the old defaults), YSYNC_JAVA_OPTS is appended after
# everything (e.g. '-Xmx2g'; the JVM takes the last of repeated flags) and a MALLOC_ARENA_MAX already in the
# environment is kept.
ysync_serve_jvm_flags() { # $1 = JDK feature version
  local -a gc extra
  local defaults='-XX:+UseG1GC -Xms32m -XX:G1HeapRegionSize=1m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40'
  read -r -a gc <<<"${YSYNC_GC_OPTS:-$defaults}"
  # -Xss8m stays: it is address space only (a stack page becomes resident when it is used; 23 threads commit ~2 MiB),
  # and the CRDT recurses over nested lib0 values and shared types up to Lib0Decoder.MAX_DEPTH (1000) levels.
  # Netty's leak detector off: at its default level it records a stack trace for one buffer in 128, 1.5% of the
  # event loops' CPU at everyday load (the tests keep it on; YSYNC_JAVA_OPTS=-Dio.netty.leakDetection.level=simple
  # turns it back on).
  YSYNC_SERVE_JVM_FLAGS=("${gc[@]}" -Xss8m -Dio.netty.allocator.maxOrder=7 -Dio.netty.leakDetection.level=disabled
    -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8)
  # Periodic malloc_trim (glibc only; the option exists from JDK 22 on, and in 21.0.1+ builds).
  if [ "$1" -ge 22 ] && [ "$(uname -s)" = Linux ]; then
    YSYNC_SERVE_JVM_FLAGS+=(-XX:TrimNativeHeapInterval=5000)
  fi
  # 8-byte object headers (JEP 519, a product option from JDK 25 on): 10% less live heap per idle connection.
  if [ "$1" -ge 25 ]; then
    YSYNC_SERVE_JVM_FLAGS+=(-XX:+UseCompactObjectHeaders)
  fi
  if [ "$1" -ge 24 ]; then
    YSYNC_SERVE_JVM_FLAGS+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
  fi
  read -r -a extra <<<"${YSYNC_JAVA_OPTS:-}"
  YSYNC_SERVE_JVM_FLAGS+=(${extra[@]+"${extra[@]}"})
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
}
