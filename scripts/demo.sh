#!/usr/bin/env bash
# The main job: a 3-node swiftserve network on loopback. Node 1 founds it, nodes 2 and 3 join with
# invites, a sample file is added on node 1 and arrives, verified, on the others; then it stops.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
created=""
if [ -z "${SWIFTSERVE_CLUSTER:-}" ]; then
  created="$(mktemp -d /tmp/swiftserve-demo.XXXXXX)"
  export SWIFTSERVE_CLUSTER="$created/cluster"
fi
cluster="$here/cluster.sh"
ss="$here/swiftserve"
size_mib="${DEMO_SIZE_MIB:-64}"
# a demo that worked leaves nothing behind; one that failed keeps the nodes' logs to read
finish() {
  local rc=$?
  if [ "$rc" -eq 0 ]; then
    "$cluster" down --purge >/dev/null 2>&1 || true
    if [ -n "$created" ]; then rm -rf "$created"; fi
  else
    "$cluster" down >/dev/null 2>&1 || true
    echo "demo: failed; the nodes' logs are in $SWIFTSERVE_CLUSTER/node*/log" >&2
  fi
}
trap finish EXIT

echo "== starting a 3-node network in $SWIFTSERVE_CLUSTER"
"$cluster" up 3 --base-port "${DEMO_BASE_PORT:-7400}"

echo
echo "== members, as node 2 sees them"
"$ss" peers --data "$SWIFTSERVE_CLUSTER/node2"

sample="$(dirname "$SWIFTSERVE_CLUSTER")/sample.bin"
head -c "$((size_mib << 20))" /dev/urandom >"$sample"
echo
echo "== adding a ${size_mib} MiB sample file on node 1 and waiting for every member"
"$cluster" add "$sample" --on 1 --wait

echo
echo "== the copies (SHA-256)"
sha256sum "$sample" | sed 's|  .*|  original|'
for i in 1 2 3; do
  sha256sum "$SWIFTSERVE_CLUSTER/node$i/files/sample.bin" | sed "s|  .*|  node $i|"
done
want=$(sha256sum <"$sample" | cut -d' ' -f1)
for i in 1 2 3; do
  got=$(sha256sum <"$SWIFTSERVE_CLUSTER/node$i/files/sample.bin" | cut -d' ' -f1)
  [ "$got" = "$want" ] || { echo "demo: node $i holds a different copy" >&2; exit 1; }
done

echo
echo "== chain of node 3"
"$ss" chain --data "$SWIFTSERVE_CLUSTER/node3" --limit 5
echo
"$cluster" status
echo
echo "== stopping"
