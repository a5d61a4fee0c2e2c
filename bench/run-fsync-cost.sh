#!/usr/bin/env bash
# What one durable append costs this machine, outside any server: CPU time (user + system, getrusage) and latency of
# a small write followed by fdatasync, the pattern of a RocksDB WAL write with --durability sync. On a VM every
# fdatasync also costs the exits of the virtual disk's notifications, which the guest counts as its own CPU time;
# this sets a floor under the server's CPU per group commit.
#
#   bench/run-fsync-cost.sh [DIR (default: the project root, the disk ./data lives on)] [N=3000]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
dir=${1:-$root}; n=${2:-3000}
command -v python3 >/dev/null || { echo "fsync-cost: python3 is needed" >&2; exit 1; }
tmp=$(mktemp -d "$dir/.fsync-cost.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/f" "$n" <<'PY'
import os, sys, time, resource
path, n = sys.argv[1], int(sys.argv[2])
def run(mode):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC)
    if mode == "preallocated":
        os.write(fd, b"\0" * (n * 128)); os.fsync(fd); os.lseek(fd, 0, 0)
    lat = []
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(n):
        s = time.perf_counter()
        os.write(fd, b"x" * 100)
        os.fdatasync(fd)
        lat.append(time.perf_counter() - s)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    os.close(fd)
    lat.sort()
    cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) / n * 1e6
    sys_ = (r1.ru_stime - r0.ru_stime) / n * 1e6
    print(f"| {mode} | {n} | {cpu:.1f} | {sys_:.1f} | {lat[n // 2] * 1e3:.3f} | {lat[n * 99 // 100] * 1e3:.3f} |")
print("| file | appends | CPU us per write+fdatasync | of it system | p50 ms | p99 ms |")
print("|---|---:|---:|---:|---:|---:|")
run("growing")       # a new WAL: every fdatasync also writes the inode (the size changed)
run("preallocated")  # a recycled WAL: data only
PY
