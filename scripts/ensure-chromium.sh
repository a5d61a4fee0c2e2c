#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed at /usr/bin/chromium for the browser tests (playwright-core drives it;
# see sync-server/src/test/js/browser/demo.mjs). Installs the `chromium` package with apt-get when it is missing,
# through sudo when not root. Idempotent: when Chromium is there it only prints its version.
#
#   bash scripts/ensure-chromium.sh
set -euo pipefail

chromium=/usr/bin/chromium

version() {
  # the Debian wrapper script may print shell noise on stderr; keep the version line only
  "$chromium" --version 2>/dev/null | head -n 1
}

if [ -x "$chromium" ] && [ -n "$(version)" ]; then
  echo "ensure-chromium: $(version)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $chromium is missing and apt-get is not available: install Chromium (Debian package" \
    "'chromium') so that $chromium exists." >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ensure-chromium: $chromium is missing; run as root or install sudo (apt-get install -y chromium)." >&2
    exit 1
  fi
  as_root=(sudo)
fi

echo "ensure-chromium: installing Debian's chromium package ..." >&2
export DEBIAN_FRONTEND=noninteractive
${as_root[@]+"${as_root[@]}"} apt-get update -q >&2
${as_root[@]+"${as_root[@]}"} apt-get install -y -q --no-install-recommends chromium >&2

if [ ! -x "$chromium" ] || [ -z "$(version)" ]; then
  echo "ensure-chromium: the chromium package is installed but $chromium does not run." >&2
  exit 1
fi
echo "ensure-chromium: $(version)"
