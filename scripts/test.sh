#!/usr/bin/env bash
# Runs the whole test suite (unit, in-process clusters, process-level tests) after installing the
# system tools some tests drive, then the LAN benchmark's smoke mode (bench-lan.sh --smoke: 3 daemons
# in network namespaces, fails only if a copy is missing or wrong) and the LAN discovery smoke
# (discovery-smoke.sh: 3 daemons all renumbered, restarted with no --peer, re-formed within 10 s) when
# running as root on a machine that allows network namespaces; otherwise it says in one line why the
# smokes are skipped.
# Safe to run again; installs only what is missing.
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
cd "$here/.."
"$here/install-test-tools.sh"
mvn -B verify "$@"

# lan_probe: builds and removes a throwaway namespace with a veth pair and a tbf qdisc, the pieces the
# benchmark's simulated LAN is made of; on failure prints the reason. Every step is bounded because a
# wedged netlink or mount call must not hang the test command.
lan_probe() {
  local p="ssprobe$$" out rc=0
  out=$({ timeout 20 ip netns add "$p" &&
          timeout 20 ip -n "$p" link add pa type veth peer name pb &&
          timeout 20 ip -n "$p" link set pa up &&
          timeout 20 ip netns exec "$p" tc qdisc add dev pa root tbf rate 100mbit burst 131072 latency 20ms
        } 2>&1) || rc=$?
  timeout 20 ip netns del "$p" >/dev/null 2>&1 || true
  [ "$rc" -eq 0 ] && return 0
  [ "$rc" -eq 124 ] && out="a step timed out after 20 s"
  echo "${out:-exit status $rc}" | tail -n 1
  return 1
}

if [ "$(id -u)" -ne 0 ]; then
  echo "test: LAN smoke tests (bench-lan --smoke, discovery-smoke) skipped: not root (it creates network namespaces, veth pairs and tc qdiscs)"
  exit 0
fi
# a fresh Debian image lacks iproute2; without it the probe would skip the smoke on every CI run
if { ! command -v ip || ! command -v tc; } >/dev/null && command -v apt-get >/dev/null; then
  echo "installing: iproute2"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends iproute2 >/dev/null || true
fi
if ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
  echo "test: LAN smoke tests (bench-lan --smoke, discovery-smoke) skipped: iproute2 (ip, tc) is not installed and could not be installed"
  exit 0
fi
if ! why=$(lan_probe); then
  echo "test: LAN smoke tests (bench-lan --smoke, discovery-smoke) skipped: this machine does not allow network namespaces with veth and tbf ($why)"
  exit 0
fi
# the outer bound only catches a hang the script's own limits miss; --foreground sends the TERM to the
# script alone, whose trap then removes its namespaces and daemons
timeout --foreground -k 60 1200 "$here/bench-lan.sh" --smoke || {
  rc=$?
  echo "test: the LAN smoke test (scripts/bench-lan.sh --smoke) failed with exit status $rc" >&2
  exit "$rc"
}
# members whose addresses all changed find each other by LAN discovery alone (no --peer)
timeout --foreground -k 60 600 "$here/discovery-smoke.sh" || {
  rc=$?
  echo "test: the LAN discovery smoke test (scripts/discovery-smoke.sh) failed with exit status $rc" >&2
  exit "$rc"
}
