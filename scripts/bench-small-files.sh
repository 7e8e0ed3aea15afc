#!/usr/bin/env bash
# Many small files (issue 18): publishing N files one `add` at a time against one `add` of their
# directory as a tree, on the same cluster, in the same run.
#
#   scripts/bench-small-files.sh [N] [NODES] [SIZE_KIB]      defaults 1000 3 4
#
# scripts/cluster.sh starts NODES daemons on loopback in a temp dir. N files of SIZE_KIB KiB of
# random bytes are written into one directory. Mode "files": node 1's CLI adds each file under
# its own path, one `swiftserve add` after another (each waits for its block, as a user's loop
# would), then every node is waited for. Mode "tree": one `swiftserve add DIR` publishes the same
# directory as one version, then every node is waited for. For each mode: the publishing time
# (the adds alone), the time until every node holds the copies (status --json: filePage.complete),
# and the daemons' CPU (user + system, /proc/PID/stat) over that span. The reference is
# `sha256sum` over the same files in the same run: the least any publisher must spend reading them.
#
# Last line: smallfiles n=... nodes=... size_kib=... files_publish_s=... files_all_s=...
# tree_publish_s=... tree_all_s=... sha256sum_s=... speedup_all=... (files_all_s / tree_all_s).
# Environment: BENCH_BASE_PORT (default 7990), BENCH_TIMEOUT seconds per wait (default 1800),
# BENCH_KEEP=1 keeps the temp dir.
set -euo pipefail
export SWIFTSERVE_CONFIG=/dev/null
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
ss="$here/swiftserve"

die() { echo "bench-small-files: $*" >&2; exit 1; }
usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -le 3 ] || usage
case "${1:-}" in -h|--help) usage ;; esac
n="${1:-1000}" nodes="${2:-3}" size_kib="${3:-4}"
for v in "$n" "$nodes" "$size_kib"; do [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] || usage; done
[ "$nodes" -ge 2 ] || die "NODES must be at least 2"
base="${BENCH_BASE_PORT:-7990}"
limit="${BENCH_TIMEOUT:-1800}"
# shellcheck source=lib/bench-cluster.sh
. "$here/lib/bench-cluster.sh"
bench_cluster_setup bench-small-files python3

src="$work/small"
python3 - "$src" "$n" "$size_kib" <<'PY'
import os, sys
d, n, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(d)
for i in range(n):
    with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
        f.write(os.urandom(kib * 1024))
PY
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
sync
t=$(now); (cd "$src" && sha256sum -- * >/dev/null); sha_s=$(since "$t")

echo "bench-small-files: starting $nodes nodes (scripts/cluster.sh) ..." >&2
"$here/cluster.sh" up "$nodes" --base-port "$base" >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; die "cluster start failed"; }
node_dir() { echo "$SWIFTSERVE_CLUSTER/node$1"; }
pids=()
for i in $(seq 1 "$nodes"); do pids+=("$(cat "$(node_dir "$i")/pid")"); done
hz=$(getconf CLK_TCK)
cpu_ticks() {
  local p t=0 u s
  for p in "${pids[@]}"; do
    read -r u s < <(awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$p/stat" 2>/dev/null || echo "0 0")
    t=$((t + u + s))
  done
  echo "$t"
}
cpu_since() { awk -v t="$(($(cpu_ticks) - $1))" -v h="$hz" 'BEGIN { printf "%.1f", t / h }'; }
# wait_complete K: every node holds K complete versions
wait_complete() {
  local want=$1 deadline=$((SECONDS + limit)) i got
  for i in $(seq 1 "$nodes"); do
    while true; do
      got=$("$ss" status --data "$(node_dir "$i")" --json | jq '.filePage.complete')
      [ "$got" -ge "$want" ] && break
      [ $SECONDS -lt $deadline ] || die "node $i holds $got of $want versions after ${limit}s"
      sleep 0.5
    done
  done
}

data1="$(node_dir 1)"
echo "bench-small-files: files: $n adds of ${size_kib} KiB, one after another ..." >&2
c=$(cpu_ticks); t=$(now)
for f in "$src"/*; do
  "$ss" add --data "$data1" "$f" --as "files/$(basename "$f")" --json >/dev/null || die "add $f failed"
done
files_pub=$(since "$t")
wait_complete "$n"
files_all=$(since "$t"); files_cpu=$(cpu_since "$c")
echo "files: published in $files_pub s, on all $nodes nodes in $files_all s, daemons' CPU $files_cpu s"

echo "bench-small-files: tree: one add of the directory ..." >&2
c=$(cpu_ticks); t=$(now)
"$ss" add --data "$data1" "$src" --as tree --json >/dev/null || die "add of the tree failed"
tree_pub=$(since "$t")
wait_complete "$((n + 1))"
tree_all=$(since "$t"); tree_cpu=$(cpu_since "$c")
echo "tree:  published in $tree_pub s, on all $nodes nodes in $tree_all s, daemons' CPU $tree_cpu s"
for i in $(seq 2 "$nodes"); do
  diff -rq "$src" "$(node_dir "$i")/files/tree/" >/dev/null || die "node $i's tree differs from the source"
done
echo "sha256sum of the same files: $sha_s s"
speedup=$(awk -v a="$files_all" -v b="$tree_all" 'BEGIN { printf "%.1f", a / b }')
echo "smallfiles n=$n nodes=$nodes size_kib=$size_kib files_publish_s=$files_pub files_all_s=$files_all" \
  "files_cpu_s=$files_cpu tree_publish_s=$tree_pub tree_all_s=$tree_all tree_cpu_s=$tree_cpu sha256sum_s=$sha_s speedup_all=$speedup"
