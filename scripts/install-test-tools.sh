#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing: netcat (the proto round trip),
# Chromium and its driver (the status page in a real browser), jq (scripts/cluster.sh), systemd
# (systemd-analyze verify), rsync (the reference of scripts/bench-lan.sh --tree).
set -euo pipefail
need=()
command -v nc >/dev/null 2>&1 || need+=(netcat-openbsd)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-test-tools: missing ${need[*]} and not root; the tests that need them will be skipped" >&2
  exit 0
fi
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
echo "installing: ${need[*]}"
$sudo_cmd apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
