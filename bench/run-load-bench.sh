#!/usr/bin/env bash
# Load bench: ysync (--store memory) vs the reference Node server @y/websocket-server, side by side on 127.0.0.1.
#
#   bench/run-load-bench.sh [--duration SECONDS] [--scenarios rooms,fanout,idle] [--idle N] [--no-build]
#
# A shorthand for bench/run-compare.sh with two servers and no cross-instance part; every flag of run-compare.sh
# works here too (see bench/run-compare.sh --help).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
case "${1:-}" in -h|--help) sed -n 2,7p "$0"; exit 0;; esac
exec "$here/run-compare.sh" --servers ysync-memory,y-websocket --scenarios rooms,fanout,idle --idle 2000 --no-cross "$@"
