#!/usr/bin/env bash
# Makes sure `redis-server` is on PATH (the Redis scale-out tests start their own on a free loopback port).
# Installs Debian's redis-server package with apt-get when it is missing (sudo only when not root). The package
# does not need to be running: the tests start and stop their own server. Idempotent; says what it did.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: $(redis-server --version | head -n 1) already installed ($(command -v redis-server))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: redis-server is missing and apt-get is not available; install Redis 7+ yourself" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ensure-redis: redis-server is missing; need root or sudo to install it" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

echo "ensure-redis: installing Debian's redis-server package (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# the package may start a system service on port 6379; the tests do not use it
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  "${SUDO[@]}" systemctl stop redis-server || true
  echo "ensure-redis: stopped the redis-server system service the package started (tests run their own)"
fi
echo "ensure-redis: installed $(redis-server --version | head -n 1)"
