#!/usr/bin/env bash
# Time from `swiftserve add` to the sealed block for one big file, the daemon reading it itself
# (the default) and with --stream (its bytes through the admin channel), against `sha256sum` of the
# same file in the same run.
#
#   scripts/bench-add.sh [SIZE_MIB]          default 1024
#
# Writes SIZE_MIB MiB of random bytes, reads them once (a warm page cache for everyone), times
# `sha256sum` on them, then starts a one-node network (scripts/cluster.sh). First, the first add
# after a start, twice: the daemon started with -Dswiftserve.warmup=0 (no SHA-256 warm-up), then
# restarted as usual and given 5 s. Then BENCH_RUNS (default 3) rounds of a local add and an add
# --stream, alternated. For each add: the wall time of the command (it returns once the block is
# sealed), its ratio to sha256sum, and the daemon's CPU (user + system, /proc/PID/stat) per GiB.
#
# Last line: benchadd size_mib=... sha256sum_s=... local_s=... (median) stream_s=... (median)
# local_ratio=... stream_ratio=... local_cpu_s_per_gib=... stream_cpu_s_per_gib=...
# first_cold_s=... first_warm_s=...
# Environment: BENCH_BASE_PORT (default 7980), BENCH_RUNS (default 3), BENCH_KEEP=1 keeps the temp dir.
set -euo pipefail
export SWIFTSERVE_CONFIG=/dev/null
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
ss="$here/swiftserve"

die() { echo "bench-add: $*" >&2; exit 1; }
usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -le 1 ] || usage
case "${1:-}" in -h|--help) usage ;; esac
size_mib="${1:-1024}"
runs="${BENCH_RUNS:-3}"
for v in "$size_mib" "$runs"; do [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] || usage; done
base="${BENCH_BASE_PORT:-7980}"
# shellcheck source=lib/bench-cluster.sh
. "$here/lib/bench-cluster.sh"
bench_cluster_setup bench-add

src="$work/big.bin"
echo "bench-add: writing $size_mib MiB of random bytes ..." >&2
head -c "$((size_mib << 20))" /dev/urandom >"$src"
cat "$src" >/dev/null
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }
t=$(now); sha256sum "$src" >/dev/null; sha_s=$(since "$t")
echo "sha256sum: $sha_s s"

data="$SWIFTSERVE_CLUSTER/node1"
hz=$(getconf CLK_TCK)
gib=$(awk -v m="$size_mib" 'BEGIN { print m / 1024 }')
pid=""
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
# add_once LABEL ARGS...: prints "LABEL: T s (R x sha256sum), C CPU-s per GiB"; leaves T and C in $last_s, $last_cpu
n=0
add_once() {
  local label=$1; shift
  n=$((n + 1))
  local c t
  c=$(cpu_ticks); t=$(now)
  "$ss" add --data "$data" "$src" --as "bench/$n.bin" --json "$@" >"$work/add.json" || die "add $label failed"
  last_s=$(since "$t")
  last_cpu=$(awk -v d="$(($(cpu_ticks) - c))" -v h="$hz" -v g="$gib" 'BEGIN { printf "%.2f", d / h / g }')
  local by; by=$(jq -r '.readBy' "$work/add.json")
  echo "$label: $last_s s ($(awk -v a="$last_s" -v b="$sha_s" 'BEGIN { printf "%.2f", a / b }') x sha256sum), daemon $last_cpu CPU-s per GiB, read by $by"
}
start_node() {
  pid=$(cat "$data/pid")
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "bench-add: one node, started without the SHA-256 warm-up ..." >&2
SWIFTSERVE_DAEMON_JAVA_OPTS="-Dswiftserve.warmup=0" "$here/cluster.sh" up 1 --base-port "$base" >"$work/up.log" 2>&1 \
  || { cat "$work/up.log" >&2; die "node start failed"; }
start_node
add_once "first add, no warm-up" ; first_cold=$last_s
"$here/cluster.sh" stop 1 >/dev/null
"$here/cluster.sh" start 1 >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; die "node restart failed"; }
start_node
sleep 5
add_once "first add, warm-up   " ; first_warm=$last_s

: >"$work/local" ; : >"$work/stream"
for r in $(seq 1 "$runs"); do
  add_once "local  #$r"; echo "$last_s $last_cpu" >>"$work/local"
  add_once "stream #$r" --stream; echo "$last_s $last_cpu" >>"$work/stream"
done
local_s=$(cut -d' ' -f1 "$work/local" | median); stream_s=$(cut -d' ' -f1 "$work/stream" | median)
local_cpu=$(cut -d' ' -f2 "$work/local" | median); stream_cpu=$(cut -d' ' -f2 "$work/stream" | median)
ratio() { awk -v a="$1" -v b="$sha_s" 'BEGIN { printf "%.2f", a / b }'; }
echo "load: $(uptime | sed 's/.*load average/load average/')"
echo "benchadd size_mib=$size_mib sha256sum_s=$sha_s local_s=$local_s stream_s=$stream_s" \
  "local_ratio=$(ratio "$local_s") stream_ratio=$(ratio "$stream_s") local_cpu_s_per_gib=$local_cpu" \
  "stream_cpu_s_per_gib=$stream_cpu first_cold_s=$first_cold first_warm_s=$first_warm"
