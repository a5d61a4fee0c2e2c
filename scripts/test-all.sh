#!/usr/bin/env bash
# Runs every test of ysync: the Maven reactor (unit, property and interop tests) and the Yjs conformance checker
# against the command line (./ysync doc). Installs the JavaScript peers it needs. Exit status non-zero if anything
# fails.
#
#   ./scripts/test-all.sh
#
# Environment: YSYNC_CONFORMANCE_CHECKS (default below), YSYNC_SKIP_CONFORMANCE=1 to skip the checker.
set -euo pipefail

# Checks of the conformance checker run against ./ysync doc: all of them (core + mergeV2, stateFromV2, svFromUpdate).
CONFORMANCE_CHECKS="${YSYNC_CONFORMANCE_CHECKS:-all}"
CONFORMANCE_BATCH_CASES=20

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
shared="$root/../shared"

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'test-all: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -------------------------------------------------------------------------------------------------
find_jdk() {
  # shellcheck source=find-jdk.sh
  source "$root/scripts/find-jdk.sh"
  JAVA_HOME=$(ysync_find_jdk) || die "a JDK 21 or newer is required"
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven's own libraries use sun.misc.Unsafe: keep JDK 24+ from warning about it.
  if [ "$(ysync_jdk_major "$JAVA_HOME")" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven 3.8.7+ is required (Debian: apt-get install maven)"
}

check_node() {
  command -v node >/dev/null 2>&1 || die "Node.js 20+ is required for the interop tests (https://nodejs.org or Debian nodejs)"
  command -v npm >/dev/null 2>&1 || die "npm is required for the interop tests"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] 2>/dev/null || die "Node.js 20+ is required, found $(node --version)"
}

# npm ci in $1 when its node_modules is missing or older than its package-lock.json.
npm_ci_if_needed() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    step "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund) >&2
    touch "$dir/node_modules"
  fi
}

# The scale-out tests start their own redis-server (Debian package) on a free loopback port.
ensure_redis() {
  bash "$root/scripts/ensure-redis.sh" >&2 || die "redis-server is required for the scale-out tests"
}

# The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core.
ensure_chromium() {
  bash "$root/scripts/ensure-chromium.sh" >&2 || die "chromium is required for the browser tests"
}

# --- steps ---------------------------------------------------------------------------------------------------------
maven_verify() {
  step "mvn -B -ntp verify"
  mvn -B -ntp verify
}

conformance() {
  if [ "${YSYNC_SKIP_CONFORMANCE:-0}" = 1 ]; then
    step "conformance checker skipped (YSYNC_SKIP_CONFORMANCE=1)"
    return 0
  fi
  if [ ! -d "$shared/conformance" ]; then
    step "conformance checker skipped: $shared/conformance is not present"
    return 0
  fi
  step "conformance checker ($CONFORMANCE_CHECKS) against ./ysync doc"
  # The jar was built by verify; the launcher rebuilds only if sources changed since.
  ./ysync doc --help >/dev/null || return 1
  node "$shared/conformance/checker/check.mjs" --cases "$shared/conformance/yjs" --cli './ysync doc' \
    --batch --batch-cases "$CONFORMANCE_BATCH_CASES" --checks "$CONFORMANCE_CHECKS"
}

main() {
  find_jdk
  check_node
  ensure_redis
  ensure_chromium
  npm_ci_if_needed "$root"
  if [ -d "$shared/conformance/checker" ] && [ ! -d "$shared/conformance/checker/node_modules" ]; then
    step "npm ci in $shared/conformance/checker"
    (cd "$shared/conformance/checker" && npm ci --no-audit --no-fund) >&2
  fi
  local failed=()
  maven_verify || failed+=("mvn verify")
  conformance || failed+=("conformance checker")
  if [ ${#failed[@]} -gt 0 ]; then
    printf '\ntest-all: FAILED: %s\n' "${failed[*]}" >&2
    exit 1
  fi
  printf '\ntest-all: all tests passed\n' >&2
}

main "$@"
