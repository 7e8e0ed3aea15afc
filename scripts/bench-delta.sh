#!/usr/bin/env bash
# New versions move only what changed (issue 18): a second version of a file with PCT % of its chunks
# changed in place; how many bytes each member receives from peers for it, against the changed bytes.
#
#   scripts/bench-delta.sh [N] [SIZE_MIB] [PCT]      defaults 3 1024 1 (3 nodes, 1 GiB, 1 % of the chunks); N >= 2
#
# scripts/cluster.sh starts N daemons on loopback in a temp dir; node 1 publishes SIZE_MIB MiB of
# random bytes (v1) and every node fetches it. Then PCT % of its chunks (rounded up, at least 1,
# spread over the file; the chunk size the daemon chose) are overwritten with new random bytes and
# node 1 publishes the file again under the same path (v2). The others take the unchanged chunks
# from their own copy and fetch only the rest. Per non-publishing node: bytes received from peers
# for v2 (status --json transfer.bytesDown, after minus before), chunks taken from its disk
# (transfer.chunksLocal), and received / changed bytes (1.0 = exactly the changed chunks). Times run
# from the start of `add` (upload to node 1 and its hashing included) to the last node holding the
# version; CPU is every daemon's user + system time (/proc/PID/stat) over the same span. Bytes are
# exact whatever else the machine does; times and CPU are not.
#
# Last line: delta N=... size_mib=... pct=... changed_bytes=... max_received_bytes=... ratio=...
# v1_s=... v2_s=... (then chunk_size, changed_chunks, cpu_v1_s, cpu_v2_s). Exits non-zero if a node
# does not end with v2 byte-identical to the source. Environment: BENCH_BASE_PORT (default 7970),
# BENCH_TIMEOUT seconds per wait (default 900), BENCH_KEEP=1 keeps the temp dir, SWIFTSERVE_JAVA_OPTS
# for the daemons (default -Xmx384m). Needs about (2N + 2) x SIZE_MIB of free disk in $TMPDIR.
set -euo pipefail
export SWIFTSERVE_CONFIG=/dev/null
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
ss="$here/swiftserve"

die() { echo "bench-delta: $*" >&2; exit 1; }
usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -le 3 ] || usage
case "${1:-}" in -h|--help) usage ;; esac
n="${1:-3}" size_mib="${2:-1024}" pct="${3:-1}"
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] || usage
[[ "$size_mib" =~ ^[0-9]+$ ]] && [ "$size_mib" -ge 1 ] || usage
[[ "$pct" =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v p="$pct" 'BEGIN { exit !(p > 0 && p <= 100) }' || usage
base="${BENCH_BASE_PORT:-7970}"
limit="${BENCH_TIMEOUT:-900}"
[[ "$base" =~ ^[0-9]+$ ]] || die "BENCH_BASE_PORT must be a number"
[[ "$limit" =~ ^[0-9]+$ ]] && [ "$limit" -ge 1 ] || die "BENCH_TIMEOUT must be a number of seconds"
export SWIFTSERVE_JAVA_OPTS="${SWIFTSERVE_JAVA_OPTS:--Xmx384m}"

command -v java >/dev/null || die "java (17+) is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
if [ -z "${SWIFTSERVE_JAR:-}" ] && [ ! -f "$root/node/target/swiftserve.jar" ]; then
  command -v mvn >/dev/null || die "the jar is not built and mvn is not installed"
  echo "bench-delta: building the jar (mvn -B -q -o -DskipTests package) ..." >&2
  (cd "$root" && mvn -B -q -o -DskipTests package) || die "the build failed"
fi
"$ss" --version >/dev/null 2>&1 || die "scripts/swiftserve does not run (is the jar built? mvn -B -q -DskipTests package)"

work="$(mktemp -d "${TMPDIR:-/tmp}/swiftserve-bench-delta.XXXXXX")"
export SWIFTSERVE_CLUSTER="$work/cluster"
cleanup() {
  "$here/cluster.sh" down --purge >/dev/null 2>&1 || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench-delta: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need_kib=$(( (2 * n + 2) * size_mib * 1024 ))
free_kib=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
[ "$free_kib" -ge "$need_kib" ] || die "$work has $((free_kib / 1024)) MiB free, the run needs about $((need_kib / 1024)) MiB"

src="$work/file.bin"
path="bench/delta.bin"
echo "bench-delta: writing a ${size_mib} MiB random file ..." >&2
python3 - "$src" "$size_mib" <<'PY'
import os, sys
with open(sys.argv[1], "wb") as f:
    for _ in range(int(sys.argv[2])):
        f.write(os.urandom(1 << 20))
PY

echo "bench-delta: starting $n nodes on ports $base.. (scripts/cluster.sh) ..." >&2
"$here/cluster.sh" up "$n" --base-port "$base" >"$work/cluster-up.log" 2>&1 || { cat "$work/cluster-up.log" >&2; die "cluster start failed"; }
node_dir() { echo "$SWIFTSERVE_CLUSTER/node$1"; }
pids=()
for i in $(seq 1 "$n"); do
  p=$(cat "$(node_dir "$i")/pid")
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] || die "pid $p of node $i is not the java daemon"
  pids+=("$p")
done
hz=$(getconf CLK_TCK)
# cpu_ticks: user + system clock ticks of every daemon so far
cpu_ticks() {
  local p t=0 u s
  for p in "${pids[@]}"; do
    read -r u s < <(awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$p/stat" 2>/dev/null || echo "0 0")
    t=$((t + u + s))
  done
  echo "$t"
}
status_json() { "$ss" status --data "$(node_dir "$1")" --json; }
# counters I: "bytesDown chunksLocal bytesLocal" of node I
counters() { status_json "$1" | jq -r '.transfer | "\(.bytesDown) \(.chunksLocal) \(.bytesLocal)"'; }
# holds I V: node I holds version V of the path, complete and verified
holds() {
  status_json "$1" | jq -e --arg p "$path" --argjson v "$2" \
    'any(.files[]; .path == $p and .version == $v and .state == "complete")' >/dev/null
}
wait_all_hold() {
  local v=$1 deadline=$((SECONDS + limit)) i
  for i in $(seq 1 "$n"); do
    until holds "$i" "$v"; do
      [ $SECONDS -lt $deadline ] || die "node $i did not hold v$v of $path within ${limit}s (see $(node_dir "$i")/log)"
      sleep 0.5
    done
  done
}
# publish V: add the source as the path on node 1 and wait for every member; sets pub_s (add's upload
# and hashing), all_s (until every member holds it, as add --wait sees it), cpu_s, chunk_size
publish() {
  local v=$1 c0 c1 t0 t1 added
  c0=$(cpu_ticks)
  t0=$(date +%s.%N)
  # every output line stamped: the "added" line comes once node 1 has published
  if ! timeout "$limit" "$here/cluster.sh" add "$src" --on 1 --as "$path" --wait 2>&1 \
      | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done >"$work/add-v$v.log"; then
    cat "$work/add-v$v.log" >&2
    die "adding v$v or waiting for every member failed (or took over ${limit}s)"
  fi
  t1=$(date +%s.%N)
  c1=$(cpu_ticks)
  added=$(grep -m1 " added $path v$v " "$work/add-v$v.log") || { cat "$work/add-v$v.log" >&2; die "no 'added $path v$v' line"; }
  chunk_size=$(($(sed -E 's/.* chunks of ([0-9]+) KiB.*/\1/' <<<"$added") * 1024))
  pub_s=$(awk -v a="${added%% *}" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
  all_s=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
  cpu_s=$(awk -v t="$((c1 - c0))" -v h="$hz" 'BEGIN { printf "%.1f", t / h }')
  wait_all_hold "$v"
}

size=$((size_mib * 1048576))
echo "bench-delta: v1: adding ${size_mib} MiB on node 1 and waiting for all $n nodes ..." >&2
down0=() local0=() blocal0=() down1=() local1=() blocal1=()
for i in $(seq 1 "$n"); do read -r "down0[$i]" "local0[$i]" "blocal0[$i]" < <(counters "$i"); done
publish 1
v1_pub=$pub_s v1_s=$all_s v1_cpu=$cpu_s
for i in $(seq 1 "$n"); do read -r "down1[$i]" "local1[$i]" "blocal1[$i]" < <(counters "$i"); done

# the changed chunks: PCT % of them rounded up, at least 1, evenly spread
read -r chunks changed_chunks changed_bytes < <(python3 - "$src" "$size" "$chunk_size" "$pct" <<'PY'
import math, os, sys
from decimal import Decimal
path, size, cs, pct = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Decimal(sys.argv[4])
chunks = -(-size // cs)
k = min(chunks, max(1, math.ceil(chunks * pct / 100)))
changed = 0
with open(path, "r+b") as f:
    for i in range(k):
        idx = (2 * i + 1) * chunks // (2 * k)
        length = min(cs, size - idx * cs)
        f.seek(idx * cs)
        f.write(os.urandom(length))
        changed += length
print(chunks, k, changed)
PY
)
echo "bench-delta: v2: $changed_chunks of $chunks chunks of $((chunk_size / 1024)) KiB changed ($changed_bytes bytes); adding it again ..." >&2
publish 2
v2_pub=$pub_s v2_s=$all_s v2_cpu=$cpu_s

printf '\n%d nodes on loopback, %d MiB file in %d chunks of %d KiB; v2 changes %d chunks = %d bytes (%s %%)\n' \
  "$n" "$size_mib" "$chunks" "$((chunk_size / 1024))" "$changed_chunks" "$changed_bytes" "$pct"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared: times and CPU vary, bytes do not)"
printf '\n%-5s %14s %14s %12s %14s %9s\n' node "v1 recv B" "v2 recv B" "v2 reused" "v2 reused B" "v2 ratio"
max_recv=0 v1_recv=0 v2_recv=0
down2=() local2=() blocal2=()
for i in $(seq 2 "$n"); do
  read -r "down2[$i]" "local2[$i]" "blocal2[$i]" < <(counters "$i")
  r1=$((down1[$i] - down0[$i])) r2=$((down2[$i] - down1[$i]))
  v1_recv=$((v1_recv + r1)) v2_recv=$((v2_recv + r2))
  [ "$r2" -gt "$max_recv" ] && max_recv=$r2
  printf '%-5s %14d %14d %12d %14d %9s\n' "$i" "$r1" "$r2" "$((local2[$i] - local1[$i]))" "$((blocal2[$i] - blocal1[$i]))" \
    "$(awk -v a="$r2" -v b="$changed_bytes" 'BEGIN { printf "%.3f", a / b }')"
done
ratio=$(awk -v a="$max_recv" -v b="$changed_bytes" 'BEGIN { printf "%.3f", a / b }')
per_gib() { awk -v c="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", c / (b / 1073741824); else print "-" }'; }
delivered=$(( (n - 1) * size ))
printf '\n%-3s %9s %12s %8s %24s %24s\n' "" "add s" "all nodes s" "CPU s" "CPU-s/GiB from peers" "CPU-s/GiB delivered"
printf '%-3s %9s %12s %8s %24s %24s\n' v1 "$v1_pub" "$v1_s" "$v1_cpu" "$(per_gib "$v1_cpu" "$v1_recv")" "$(per_gib "$v1_cpu" "$delivered")"
printf '%-3s %9s %12s %8s %24s %24s\n' v2 "$v2_pub" "$v2_s" "$v2_cpu" "$(per_gib "$v2_cpu" "$v2_recv")" "$(per_gib "$v2_cpu" "$delivered")"
echo "add s: until node 1 has published (upload + hashing); all nodes s: until the last node holds it;"
echo "CPU: all $n daemons, user + system; delivered: the version's bytes at the $((n - 1)) other nodes"

want=$(sha256sum "$src" | cut -d' ' -f1)
bad=0
for i in $(seq 1 "$n"); do
  got=$(sha256sum "$(node_dir "$i")/files/$path" 2>/dev/null | cut -d' ' -f1 || true)
  if [ "$got" != "$want" ]; then
    echo "bench-delta: node $i's files/$path is not v2 byte for byte (sha256 ${got:-missing}, want $want)" >&2
    bad=1
  fi
done
[ "$bad" -eq 0 ] && echo "all $n nodes hold v2 byte-identical to the source (sha256 ${want:0:16}...)"
echo
echo "delta N=$n size_mib=$size_mib pct=$pct changed_bytes=$changed_bytes max_received_bytes=$max_recv ratio=$ratio" \
  "v1_s=$v1_s v2_s=$v2_s chunk_size=$chunk_size changed_chunks=$changed_chunks cpu_v1_s=$v1_cpu cpu_v2_s=$v2_cpu"
exit "$bad"
