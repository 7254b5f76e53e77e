#!/usr/bin/env bash
# Installs the Debian packages the test suite needs beyond npm: Chromium (Playwright drives
# Debian's build; no browser is ever downloaded) and Firefox ESR (real-browser push tests).
# Idempotent: does nothing when they are already there.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "The tests need these Debian packages: ${need[*]}" >&2
  echo "Install them once as root:  apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi

echo "==> Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "==> Installed: ${need[*]}"
