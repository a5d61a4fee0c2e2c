#!/usr/bin/env bash
# Runs every test of ysync: the unit and property tests (`mvn verify`, which needs only a JDK and Maven) and the
# integration tests that drive real peers (`-Pintegration`: Node with the yjs / y-websocket packages, redis-server,
# Chromium, killed processes). Installs the peers it needs first: npm packages from package-lock.json (npm ci),
# Debian's redis-server and chromium when missing. Exit status non-zero if anything fails.
#
#   ./scripts/test-all.sh
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"

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
  step "mvn -B -ntp verify -Pintegration (unit, property and integration tests)"
  mvn -B -ntp verify -Pintegration
}

main() {
  find_jdk
  check_node
  ensure_redis
  ensure_chromium
  npm_ci_if_needed "$root"
  if ! maven_verify; then
    printf '\ntest-all: FAILED: mvn verify -Pintegration\n' >&2
    exit 1
  fi
  printf '\ntest-all: all tests passed\n' >&2
}

main "$@"
