#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it when missing and we are allowed to.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "The browser tests need Chromium at $chromium: install it (apt-get install chromium)" >&2
  echo "or set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
fi
