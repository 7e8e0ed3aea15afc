#!/usr/bin/env bash
# LAN benchmark: how close swiftserve comes to the physical minimum distribution time.
#
#   bench-lan.sh N RATE_MBIT SIZE_MIB [--runs K] [--warm W] [--no-central] [--logs DIR]
#   bench-lan.sh N RATE_MBIT SIZE_MIB --tree FILES [--runs K] [--warm W] [--logs DIR]
#   bench-lan.sh --smoke [N RATE_MBIT SIZE_MIB] [--runs K] [--logs DIR]
#
#   N          hosts (2..200); host 1 is the seed
#   RATE_MBIT  link rate of every host, each direction (e.g. 100 or 1000)
#   SIZE_MIB   size of the random file added on host 1 (with --tree: the tree's total)
#   --runs K   repetitions (default 3); the summary reports medians
#   --warm W   W unmeasured transfers of the same size first (default 0): the daemons' JIT then starts
#              the measured runs as a daemon that has served a few files would (printed, not counted)
#   --no-central  skip timing nginx in every run (quicker tuning runs; the summary says so)
#   --logs DIR copy the daemon logs, samples and iperf3 output there before cleaning up
#   --smoke    the short check CI runs: N=3, 100 Mbit/s, 8 MiB, 1 run unless given; no iperf3, no nginx;
#              prints the swiftserve figures but fails only if a copy is missing or its SHA-256 is wrong
#   --tree FILES  a directory tree instead of one file: FILES files of 4 KiB to 4 MiB adding up to
#              SIZE_MIB, added on host 1 as one tree; references: `add` against sha256sum of all its
#              files, and rsync from host 1 to every other host at once (no nginx). Needs python3 and
#              rsync (installed if missing). More under "Tree mode" in the script's header
#
# Needs root. It builds a simulated LAN out of network namespaces: one namespace holds a Linux
# bridge, N host namespaces are each joined to it by a veth pair (10.77.0.I/24 on host I; nothing is
# added to the root namespace), and every host link is limited to RATE_MBIT in both directions with
# tc (tbf on egress of the host-side veth = upload, on egress of the bridge-side veth = download).
# iperf3 checks once what one link and all links at once really carry. Then one swiftserve daemon
# per host runs as a real process inside its namespace; host 1 founds the network, the others join
# with invites. Per run: a random file is added on host 1 and the clock runs from the moment `add`
# is issued until the last host holds the file (renamed into place, i.e. verified); every copy is
# checked with `swiftserve ls --json` and SHA-256. The same file is then served by nginx (sendfile)
# on host 1 to every other host with curl at once: the central-server reference. The Kumar-Ross
# minimum T_min = max(F/u_s, F/d_min, n*F/(u_s + sum u_i)) (n = N-1 downloaders) is computed.
# Each run also says how busy the links were from the add to the last copy, and what the receivers'
# downlinks carried in each quarter second of the first two from the add (their bytes read every
# 50 ms), then on average: the view bench-sim.sh gives, where the time was lost.
#
# Tree mode (--tree FILES): the sizes are a power law truncated to 4 KiB..4 MiB (log-uniform when the
# mean allows, else skewed towards small files) drawn from a fixed seed, its exponent fitted so that
# they add up to SIZE_MIB; six files per directory, directories nested eight wide; the bytes are
# random and new in every run. The clock runs from `add` of the directory on host 1 until the last
# host's files/NAME link points to the whole tree (written out and verified); every host's copy is
# checked with `swiftserve ls --json` (complete), `ls NAME --json` (FILES files) and one SHA-256 over
# the sha256sum list of all its files, the same as the source's. T_min is for the tree's total bytes.
# References, from the same run: publishing (the `add` command until it returns: block sealed)
# against sha256sum of every file of the tree (page cache warm, just written); and rsync: an rsync
# daemon on host 1 serves the tree, every other host runs `rsync -a` from it into an empty directory
# at once, timed until the last is done (no nginx in tree mode).
# Everything it starts or creates is removed on exit, on Ctrl-C and on failure. The exit status is 0
# only if every run completed and every host's copy had the right SHA-256; the figures are never judged.
#
# Environment: BENCH_TIMEOUT (seconds per swiftserve run, default 60 + 3x the central ideal),
# SWIFTSERVE_JAVA_OPTS (passed to every JVM by scripts/swiftserve; -Dswiftserve.tls.provider=jdk
# measures the JDK's TLS engine instead of BoringSSL), BENCH_TRANSPORT=tls (default) or cleartext
# (every daemon's --transport; compare the two by running the script once with each),
# BENCH_RUN_OPTS (more options for every daemon's `run`, e.g. --no-warmup: the first run is then
# the JIT's cold start; by default the runs begin once every daemon has logged its start-up warm-up),
# BENCH_TMP_ROOT (default /tmp): where the run's directory goes, every host's store, the source file
# and the downloads included. Each real host writes to a disk of its own; here all hosts share one,
# and at 1 Gbit/s their writes and fsyncs queue on it (4 x 512 MiB per run at 550 MB/s of fdatasync:
# 3.9 s of a 4.3 s T_min). BENCH_TMP_ROOT=/dev/shm (a tmpfs) takes that shared disk out of the
# figures; the summary names the file system used.
set -euo pipefail
# measured with the defaults, not this machine's installed settings (/etc/swiftserve/swiftserve.conf)
export SWIFTSERVE_CONFIG=/dev/null
export LC_ALL=C   # '.' as the decimal point for awk, printf and EPOCHREALTIME

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ss="$here/swiftserve"

exec 3>&2   # stderr, also from inside functions whose output is discarded
die() { echo "bench-lan: $*" >&3; exit 1; }
usage() { sed -n '2,/^# Needs root/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
now() { echo "$EPOCHREALTIME"; }
# f2 / f1 X: X with 2 / 1 decimals; anything that is not a number ("-", "nan") unchanged
f2() { awk -v x="$1" 'BEGIN { if (x ~ /^-?[0-9]+([.][0-9]*)?$/) printf "%.2f", x; else printf "%s", x }'; }
f1() { awk -v x="$1" 'BEGIN { if (x ~ /^-?[0-9]+([.][0-9]*)?$/) printf "%.1f", x; else printf "%s", x }'; }
at() { case "$1" in ""|-|nan) printf 'n/a' ;; *) printf '+%s s' "$(f2 "$1")" ;; esac; }   # a moment after add
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.3f", a / b }'; }
# median of the arguments (the mean of the two middle values for an even count); "-" if none
median() {
  [ $# -gt 0 ] || { echo "-"; return; }
  printf '%s\n' "$@" | { grep -v '^-$' || true; } | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---------------------------------------------------------------- arguments
n="" rate="" size="" runs="" warm=0 central=1 keep_logs="" smoke=0 tree=0
transport="${BENCH_TRANSPORT:-tls}"
[[ "$transport" =~ ^(tls|cleartext)$ ]] || { echo "bench-lan: BENCH_TRANSPORT must be tls or cleartext" >&2; exit 2; }
pos=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --warm) warm="${2:?--warm needs a number}"; shift 2 ;;
    --warm=*) warm="${1#*=}"; shift ;;
    --no-central) central=0; shift ;;
    --logs) keep_logs="${2:?--logs needs a directory}"; shift 2 ;;
    --logs=*) keep_logs="${1#*=}"; shift ;;
    --smoke) smoke=1; shift ;;
    --tree) tree="${2:?--tree needs a number of files}"; shift 2 ;;
    --tree=*) tree="${1#*=}"; shift ;;
    -h|--help) usage ;;
    -*) echo "bench-lan: unknown option $1" >&2; usage ;;
    *) pos+=("$1"); shift ;;
  esac
done
# the smoke's defaults still exercise chunking, swarming between receivers and verification on every
# host, yet finish in well under a minute on a 2-core CI machine
if [ "$smoke" -eq 1 ]; then
  [ ${#pos[@]} -gt 0 ] || pos=(3 100 8)
  runs=${runs:-1}
fi
runs=${runs:-3}
[ ${#pos[@]} -eq 3 ] || usage
n=${pos[0]} rate=${pos[1]} size=${pos[2]}
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 200 ] || die "N must be a whole number from 2 to 200"
[[ "$rate" =~ ^[0-9]+([.][0-9]+)?$ ]] && awk -v r="$rate" 'BEGIN { exit !(r > 0) }' || die "RATE_MBIT must be a positive number"
[[ "$size" =~ ^[0-9]+$ ]] && [ "$size" -ge 1 ] || die "SIZE_MIB must be a whole number of MiB, at least 1"
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] || die "--runs must be a whole number, at least 1"
[[ "$warm" =~ ^[0-9]+$ ]] || die "--warm must be a whole number"
if [ "$tree" != 0 ]; then
  [[ "$tree" =~ ^[0-9]+$ ]] && [ "$tree" -ge 1 ] && [ "$tree" -le 1000000 ] || die "--tree must be a whole number of files from 1 to 1000000"
  [ $((tree * 4)) -le $((size << 10)) ] && [ $((tree * 4)) -ge "$size" ] \
    || die "--tree $tree: files of 4 KiB to 4 MiB cannot add up to $size MiB"
  central=0   # nginx serves one file; rsync is the reference for a tree
fi
[ "$(id -u)" -eq 0 ] || die "needs root (it creates network namespaces, veth pairs and tc qdiscs); run it with sudo"

# ---------------------------------------------------------------- state and cleanup
tag="ssb$$"
ns_br="$tag-br"
ns() { echo "$tag-h$1"; }
addr() { echo "10.77.0.$1"; }
tmp=""
created_ns=()
daemon_pids=()     # index = host number
bg_pids=()         # iperf3 servers, nginx, sampler, add, curl: everything else started in the background
policy_rc=""
cleaning=0

cleanup() {
  local rc=$?
  [ "$cleaning" -eq 0 ] || return 0
  cleaning=1
  set +e
  trap - EXIT INT TERM
  local p i deadline mine=()
  # only processes that are still this script's children (a finished one's pid may have been reused)
  for p in "${daemon_pids[@]}" "${bg_pids[@]}"; do
    [ "$(awk '{ sub(/^.*\) /, ""); print $2 }' "/proc/$p/stat" 2>/dev/null)" = "$$" ] && mine+=("$p")
  done
  for p in "${mine[@]}"; do kill -TERM "$p" 2>/dev/null; done
  deadline=$((SECONDS + 20))
  for p in "${mine[@]}"; do
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  # anything still living in one of our namespaces was started by this script (e.g. an nginx worker)
  for p in "${created_ns[@]}"; do
    for i in $(ip netns pids "$p" 2>/dev/null); do kill -KILL "$i" 2>/dev/null; done
  done
  for p in "${created_ns[@]}"; do ip netns del "$p" 2>/dev/null; done
  if [ -n "$keep_logs" ] && [ -n "$tmp" ] && [ -d "$tmp" ]; then
    mkdir -p "$keep_logs" && cp -r "$tmp"/logs/. "$keep_logs"/ 2>/dev/null && echo "bench-lan: logs kept in $keep_logs" >&3
  fi
  [ -n "$tmp" ] && rm -rf "$tmp"
  [ -n "$policy_rc" ] && rm -f "$policy_rc"
  exit "$rc"
}
trap cleanup EXIT
# fd 3: a signal often lands while a helper's stderr is sent to /dev/null, and the reason must still show
trap 'echo "bench-lan: interrupted" >&3; exit 130' INT
trap 'echo "bench-lan: terminated" >&3; exit 143' TERM
# a command that fails under set -e names itself instead of ending the script without a word
trap 'echo "bench-lan: line $LINENO failed (exit $?): $BASH_COMMAND" >&3' ERR

# show the end of the daemons' logs, then the reason, and fail
fail() {
  local f
  for f in "$tmp"/logs/h*.log; do
    [ -f "$f" ] || continue
    echo "--- last lines of $(basename "$f")" >&3
    tail -n 8 "$f" >&3
  done
  echo "bench-lan: $*" >&3
  exit 1
}

# wait_until SECONDS WHAT COMMAND...: retry COMMAND every 0.2 s until it succeeds or fail naming WHAT
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}

# ---------------------------------------------------------------- tools
need_pkgs=()
command -v ip >/dev/null && command -v tc >/dev/null && command -v ss >/dev/null || need_pkgs+=(iproute2)
command -v curl >/dev/null || need_pkgs+=(curl)
# the smoke skips the references, so CI needs no web server or iperf3 on the machine
if [ "$smoke" -eq 0 ]; then
  [ "$tree" != 0 ] || command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
  command -v iperf3 >/dev/null || need_pkgs+=(iperf3)
  [ "$tree" = 0 ] || command -v rsync >/dev/null || need_pkgs+=(rsync)
fi
[ "$tree" = 0 ] || command -v python3 >/dev/null || need_pkgs+=(python3)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing ${need_pkgs[*]} and no apt-get to install them"
  echo "installing ${need_pkgs[*]} ..."
  # do not let the packages start system services (nginx on port 80, an iperf3 daemon)
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy_rc=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc" && chmod 755 "$policy_rc"
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -q >/dev/null || echo "bench-lan: apt-get update failed; trying the install anyway" >&2
  timeout 900 apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >/dev/null || die "apt-get install ${need_pkgs[*]} failed"
  if [ -n "$policy_rc" ]; then rm -f "$policy_rc"; policy_rc=""; fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
command -v java >/dev/null || die "java (17 or newer) is not installed"
timeout 120 "$ss" --help >/dev/null 2>&1 || die "scripts/swiftserve does not run: build the jar first (mvn -B -q -DskipTests package)"

tmp=$(mktemp -d "${BENCH_TMP_ROOT:-/tmp}/bench-lan.XXXXXX")
mkdir -p "$tmp/src" "$tmp/www" "$tmp/dl" "$tmp/logs" "$tmp/nginx"

# ---------------------------------------------------------------- the tree's layout (tree mode)
# tree_layout: "SIZE PATH" per file into $tmp/tree.layout; prints "total smallest median largest
# directories depth". tree_write DIR: the files of the layout with new random bytes.
cat >"$tmp/tree.py" <<'EOF'
import math, os, random, sys
LO, HI = 4 << 10, 4 << 20

def layout(files, target, seed, out):
    rng = random.Random(seed)
    u = [rng.random() for _ in range(files)]
    # a power law truncated to LO..HI: the density of x = ln(size / LO) is proportional to
    # e^(-lam x); lam = 0 is log-uniform, lam > 0 favours small files, lam < 0 large ones
    span = math.log(HI / LO)
    def sizes(lam):
        if abs(lam) < 1e-9:
            return [int(LO * math.exp(x * span)) for x in u]
        return [int(LO * math.exp(-math.log(1 - x * (1 - math.exp(-lam * span))) / lam)) for x in u]
    lo, hi = -30.0, 30.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if sum(sizes(mid)) > target:
            lo = mid
        else:
            hi = mid
    s = sizes((lo + hi) / 2)
    per_dir = 6
    dirs = (files + per_dir - 1) // per_dir
    depth = 1
    while 8 ** depth < dirs:
        depth += 1
    with open(out, "w") as f:
        for i, size in enumerate(s):
            d, parts = i // per_dir, []
            for _ in range(depth):
                parts.append("d%d" % (d % 8))
                d //= 8
            f.write("%d %s/f%06d.bin\n" % (size, "/".join(reversed(parts)), i))
    s.sort()
    print(sum(s), s[0], s[len(s) // 2], s[-1], dirs, depth)

def write(lay, root):
    with open(lay) as f:
        for line in f:
            size, path = line.rstrip("\n").split(" ", 1)
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as o:
                o.write(os.urandom(int(size)))

if sys.argv[1] == "layout":
    layout(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
else:
    write(sys.argv[2], sys.argv[3])
EOF
tree_seed=20261204
tree_write() { python3 "$tmp/tree.py" write "$tmp/tree.layout" "$1"; }
# tree_sum DIR: one SHA-256 over the sha256sum lines (relative path and hash) of every file under DIR,
# DIR itself followed if it is a link
tree_sum() {
  (cd -P "$1" && find . -type f -print0 | sort -z | xargs -0r sha256sum | sha256sum | cut -c1-64)
}

# ---------------------------------------------------------------- figures known in advance
size_bytes=$((size << 20))
if [ "$tree" != 0 ]; then
  read -r size_bytes tree_small tree_median tree_large tree_dirs tree_depth < <(python3 "$tmp/tree.py" layout \
    "$tree" "$size_bytes" "$tree_seed" "$tmp/tree.layout") || die "python3 could not lay out the tree"
  [ -n "${tree_depth:-}" ] || die "python3 could not lay out the tree"
fi
receivers=$((n - 1))
bps=$(awk -v r="$rate" 'BEGIN { printf "%.0f", r * 1000000 / 8 }')          # bytes/s per link, each way
# Kumar-Ross with u_s = u_i = d_i = RATE: max(F/u_s, F/d_min, n F / (u_s + sum u_i)), n = N-1 downloaders
t_min=$(awk -v F="$size_bytes" -v u="$bps" -v k="$receivers" 'BEGIN {
  a = F / u; b = F / u; c = k * F / (u + k * u); m = a; if (b > m) m = b; if (c > m) m = c; printf "%.3f", m }')
t_central_ideal=$(awk -v F="$size_bytes" -v u="$bps" -v k="$receivers" 'BEGIN { printf "%.3f", k * F / u }')
run_timeout=${BENCH_TIMEOUT:-$(awk -v c="$t_central_ideal" 'BEGIN { printf "%d", 60 + 3 * c }')}
start_timeout=$((120 + 10 * n))
delivered_gib=$(awk -v k="$receivers" -v s="$size_bytes" 'BEGIN { printf "%.6f", k * s / 1073741824 }')
tree_gib=$(awk -v s="$size_bytes" 'BEGIN { printf "%.6f", s / 1073741824 }')
clk_tck=$(getconf CLK_TCK)

machine="$(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
if [ "$tree" = 0 ]; then what="$size MiB file"; else
  what="tree of $tree files in $tree_dirs directories ($(f1 "$(awk -v s="$size_bytes" 'BEGIN { print s / 1048576 }')") MiB, files $(f1 "$(awk -v s="$tree_small" 'BEGIN { print s / 1024 }')") KiB..$(f1 "$(awk -v s="$tree_large" 'BEGIN { print s / 1024 }')") KiB, median $(f1 "$(awk -v s="$tree_median" 'BEGIN { print s / 1024 }')") KiB, seed $tree_seed)"
fi
echo "swiftserve LAN benchmark$([ "$smoke" -eq 0 ] || echo ' (smoke mode)'): N=$n hosts, $rate Mbit/s per link each way, $what, $runs run(s), transport $transport"
echo "machine: $machine; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "stores: $tmp ($(stat -f -c %T "$tmp"), shared by every host)"
echo "T_min (Kumar-Ross) = $(f2 "$t_min") s; central-server ideal = $(f2 "$t_central_ideal") s ($(f2 "$(div "$t_central_ideal" "$t_min")") x T_min)"

# ---------------------------------------------------------------- the simulated LAN
ip netns add "$ns_br"; created_ns+=("$ns_br")
ip -n "$ns_br" link set lo up
ip -n "$ns_br" link add br0 type bridge stp_state 0 forward_delay 0
ip -n "$ns_br" link set br0 up
# tbf: the bucket holds at least 128 KiB (a 64 KiB TSO segment passes whole) or 4 ms at the rate;
# the queue behind it holds 20 ms at the rate, a modest switch-port buffer
burst=$(awk -v b="$bps" 'BEGIN { x = b / 250; if (x < 131072) x = 131072; printf "%d", x }')
shape() { # shape NAMESPACE DEVICE
  ip netns exec "$1" tc qdisc replace dev "$2" root tbf rate "${rate}mbit" burst "$burst" latency 20ms
}
for i in $(seq 1 "$n"); do
  h=$(ns "$i")
  ip netns add "$h"; created_ns+=("$h")
  ip -n "$h" link set lo up
  ip -n "$h" link add eth0 type veth peer name "vh$i" netns "$ns_br"
  ip -n "$h" addr add "$(addr "$i")/24" dev eth0
  ip -n "$h" link set eth0 up
  ip -n "$ns_br" link set "vh$i" master br0
  ip -n "$ns_br" link set "vh$i" up
  shape "$h" eth0           # upload of host i
  shape "$ns_br" "vh$i"     # download of host i
done
echo "LAN: bridge in namespace $ns_br, hosts $(ns 1)..$(ns "$n") at 10.77.0.1..$n/24, tbf ${rate}mbit burst ${burst}B latency 20ms on both ends of every link"

# ---------------------------------------------------------------- iperf3: what the simulated LAN carries
listening() { ip netns exec "$(ns "$1")" ss -Hltn "sport = :$2" | grep -q .; }
if [ "$smoke" -eq 0 ]; then
  iperf_rate() { awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) } END { print (v == "" ? 0 : v) }' "$1"; }
  iperf_server() { # iperf_server HOST: one-off server, tracked
    ip netns exec "$(ns "$1")" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
    bg_pids+=($!)
    wait_until 20 "iperf3 server on host $1" listening "$1" 5201
  }
  iperf_server 1
  pair_server=${bg_pids[-1]}
  timeout 30 ip netns exec "$(ns 2)" iperf3 -c "$(addr 1)" -p 5201 -t 3 -f m >"$tmp/logs/iperf-pair.txt" 2>&1 \
    || fail "iperf3 from host 2 to host 1 failed: $(tail -n 2 "$tmp/logs/iperf-pair.txt")"
  iperf_pair=$(iperf_rate "$tmp/logs/iperf-pair.txt")
  deadline=$((SECONDS + 10))
  while kill -0 "$pair_server" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  # every host sends to the next one at once: every link busy in both directions, as in a swarm
  for i in $(seq 1 "$n"); do iperf_server "$i"; done
  ring_pids=()
  for i in $(seq 1 "$n"); do
    j=$((i % n + 1))
    timeout 30 ip netns exec "$(ns "$i")" iperf3 -c "$(addr "$j")" -p 5201 -t 3 -f m >"$tmp/logs/iperf-ring-$i.txt" 2>&1 &
    ring_pids+=($!)
  done
  for p in "${ring_pids[@]}"; do wait "$p" || true; done
  ring_rates=()
  for i in $(seq 1 "$n"); do ring_rates+=("$(iperf_rate "$tmp/logs/iperf-ring-$i.txt")"); done
  ring_min=$(printf '%s\n' "${ring_rates[@]}" | sort -g | head -n 1)
  ring_avg=$(printf '%s\n' "${ring_rates[@]}" | awk '{ s += $1 } END { printf "%.1f", s / NR }')
  echo "iperf3: one link (host 2 -> host 1) $iperf_pair Mbit/s; all $n links at once (ring, both directions busy) avg $ring_avg, min $ring_min Mbit/s"
  awk -v p="$iperf_pair" -v r="$rate" 'BEGIN { exit !(p < 0.8 * r) }' \
    && echo "bench-lan: warning: one link carries only $iperf_pair of $rate Mbit/s; the simulation itself is a limit" >&2
  # the time one copy takes over what the links really carry (TCP goodput): the practical T_min
  t_link=$(awk -v F="$size_bytes" -v m="$iperf_pair" 'BEGIN { if (m > 0) printf "%.3f", F * 8 / (m * 1000000); else print "nan" }')
  t_ring=$(awk -v F="$size_bytes" -v m="$ring_min" 'BEGIN { if (m > 0) printf "%.3f", F * 8 / (m * 1000000); else print "nan" }')
else
  echo "iperf3 check and nginx central-server reference: skipped in smoke mode"
  t_link=nan t_ring=nan
fi

# ---------------------------------------------------------------- swiftserve network
admin() { # admin HOST PATH [curl args]: the admin channel of HOST's daemon, on loopback inside its namespace
  local i=$1 path=$2; shift 2
  local d="$tmp/h$i"
  ip netns exec "$(ns "$i")" curl -sS --max-time 5 -H "Authorization: Bearer $(cat "$d/admin.token")" "$@" \
    "http://127.0.0.1:$(cat "$d/admin.port")/v1$path"
}
admin_up() { [ -s "$tmp/h$1/admin.port" ] && [ -s "$tmp/h$1/admin.token" ] && admin "$1" /status >/dev/null; }
json_int() { # json_int FIELD: last integer value of FIELD in the (pretty) JSON on stdin
  awk -v f="\"$1\"" '$1 == f { v = $3; gsub(/[^0-9-]/, "", v) } END { print (v == "" ? -1 : v) }'
}
start_daemon() { # start_daemon HOST [TOKEN]
  local i=$1 token=${2:-}
  local args=(run --data "$tmp/h$i" --host "$(addr "$i")" --port 8000 --transport "$transport")
  [ -z "$token" ] || args+=(--join "$token")
  # shellcheck disable=SC2206  # a word list
  args+=(${BENCH_RUN_OPTS:-})
  ip netns exec "$(ns "$i")" "$ss" "${args[@]}" >>"$tmp/logs/h$i.log" 2>&1 &
  daemon_pids[$i]=$!
}
all_members() {
  local i
  for i in $(seq 1 "$n"); do
    kill -0 "${daemon_pids[$i]}" 2>/dev/null || fail "the daemon of host $i exited"
    admin_up "$i" || return 1
    [ "$(admin "$i" /status | json_int members)" -eq "$n" ] || return 1
  done
}
peer_counts() {
  local i
  for i in $(seq 1 "$n"); do printf '%s ' "$(admin "$i" /status | json_int peersConnected)"; done
}
# The overlay is bounded (`run --degree 8`, at most 20 sessions, 12 of them dialled in): up to 13
# hosts it is a full mesh; beyond, two hosts whose inbound slots are full refuse each other and
# back off, so not every pair need hold a session. The runs begin once every host holds
# min(N-1, 8) peers and no host's count has moved for 2 s.
overlay_settled() {
  local want=$((receivers < 8 ? receivers : 8)) deadline=$((SECONDS + 60)) last="" counts still=0 c ok
  while :; do
    counts=$(peer_counts)
    ok=1
    for c in $counts; do [ "$c" -ge "$want" ] || ok=0; done
    if [ "$ok" = 1 ] && [ "$counts" = "$last" ]; then still=$((still + 1)); else still=0; fi
    last=$counts
    [ "$still" -ge 4 ] && return 0
    [ $SECONDS -lt $deadline ] || { echo "$counts"; return 1; }
    sleep 0.5
  done
}

t_setup=$(now)
timeout "$start_timeout" ip netns exec "$(ns 1)" "$ss" init --data "$tmp/h1" --network "bench-$tag" >"$tmp/logs/init.txt" 2>&1 \
  || fail "swiftserve init failed: $(cat "$tmp/logs/init.txt")"
start_daemon 1
wait_until "$start_timeout" "the daemon of host 1 to start" admin_up 1
inv_pids=()
for i in $(seq 2 "$n"); do
  timeout "$start_timeout" ip netns exec "$(ns 1)" "$ss" invite --data "$tmp/h1" --ttl 1h >"$tmp/h$i.token" 2>"$tmp/logs/invite-$i.err" &
  inv_pids+=($!)
done
for p in "${inv_pids[@]}"; do wait "$p" || fail "swiftserve invite failed: $(cat "$tmp"/logs/invite-*.err)"; done
for i in $(seq 2 "$n"); do
  mkdir -p "$tmp/h$i"
  start_daemon "$i" "$(cat "$tmp/h$i.token")"
done
wait_until "$start_timeout" "all $n hosts to start and see $n members" all_members
if ! counts=$(overlay_settled); then
  echo "bench-lan: warning: the overlay had not settled after 60 s (peers per host: $counts)" >&2
fi
for i in $(seq 1 "$n"); do
  [ "$(cat "/proc/${daemon_pids[$i]}/comm" 2>/dev/null)" = java ] || fail "pid ${daemon_pids[$i]} of host $i is not the java daemon"
done
echo "swiftserve: $n daemons up, joined and connected in $(f1 "$(sub "$(now)" "$t_setup")") s (peers per host: $(peer_counts| sed "s/ $//"); pids ${daemon_pids[*]})"
warmed_up() {
  local i
  for i in $(seq 1 "$n"); do
    grep -q -e 'warmed up the transfer path' -e 'transfer warm-up skipped' "$tmp/logs/h$i.log" || return 1
  done
}
# (a build from before the warm-up has no such line: its `run --help` does not know --no-warmup)
if [[ " ${BENCH_RUN_OPTS:-} " != *" --no-warmup "* ]] && "$ss" run --help 2>/dev/null | grep -q -- --no-warmup; then
  wait_until "$start_timeout" "every daemon's start-up warm-up" warmed_up
  echo "warm-up: every daemon's done $(f1 "$(sub "$(now)" "$t_setup")") s after the first started; each took" \
    "$(grep -h -o 'path: .* in [0-9]* ms' "$tmp"/logs/h*.log | awk '{ ms = $(NF - 1) } NR == 1 || ms < lo { lo = ms } ms > hi { hi = ms } END { printf "%.1f to %.1f s", lo / 1000, hi / 1000 }')" \
    "($(grep -c -h 'transfer warm-up skipped' "$tmp"/logs/h*.log | awk '{ s += $1 } END { print s + 0 }') skipped)"
fi

if [ "$smoke" -eq 0 ] && [ "$tree" = 0 ]; then
  # nginx on host 1: its own config, sendfile, in the foreground
  cat >"$tmp/nginx/nginx.conf" <<EOF
user root root;
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server { listen $(addr 1):8080; root $tmp/www; }
}
EOF
  ip netns exec "$(ns 1)" "$nginx_bin" -e "$tmp/logs/nginx-error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" \
    >>"$tmp/logs/nginx-error.log" 2>&1 &
  nginx_master=$!; bg_pids+=("$nginx_master")
  wait_until 20 "nginx on host 1 (see its error log)" listening 1 8080
fi
if [ "$smoke" -eq 0 ] && [ "$tree" != 0 ]; then
  # an rsync daemon on host 1 (no ssh in the way), in the foreground, serving the source trees
  mkdir -p "$tmp/rsync" "$tmp/rs"
  cat >"$tmp/rsync/rsyncd.conf" <<EOF
pid file = $tmp/rsync/rsyncd.pid
log file = $tmp/logs/rsyncd.log
use chroot = no
uid = root
gid = root
max connections = 0
[src]
  path = $tmp/src
  read only = yes
EOF
  ip netns exec "$(ns 1)" rsync --daemon --no-detach --config="$tmp/rsync/rsyncd.conf" --address="$(addr 1)" --port=873 \
    >>"$tmp/logs/rsyncd.log" 2>&1 &
  rsyncd_pid=$!; bg_pids+=("$rsyncd_pid")
  wait_until 20 "the rsync daemon on host 1 (see logs/rsyncd.log)" listening 1 873
fi

# ---------------------------------------------------------------- runs
cpu_ticks() { # cpu_ticks PID: "utime stime" in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$1/stat" 2>/dev/null || echo "0 0"
}
all_ticks() { # all_ticks: "utime stime" summed over every daemon
  local i u s tu=0 ts=0
  for i in $(seq 1 "$n"); do read -r u s < <(cpu_ticks "${daemon_pids[$i]}"); tu=$((tu + u)); ts=$((ts + s)); done
  echo "$tu $ts"
}
# thread_ticks OUT: "name user_ticks sys_ticks timeslices" per thread name (digits stripped) summed over
# every daemon's threads; a timeslice is one stretch on a CPU, so about one wake-up of the thread
thread_ticks() {
  local p files=()
  for p in "${daemon_pids[@]}"; do files+=(/proc/"$p"/task/*/stat); done
  # files are read with getline: a thread that ends between the glob and the read is skipped
  awk 'BEGIN { for (i = 1; i < ARGC; i++) {
         if ((getline s < ARGV[i]) <= 0) continue
         close(ARGV[i])
         a = index(s, "("); b = length(s); while (b > a && substr(s, b, 1) != ")") b--
         name = substr(s, a + 1, b - a - 1); gsub(/[#-]?[0-9]+$/, "", name); gsub(/ /, "_", name)
         split(substr(s, b + 2), f, " "); u[name] += f[12]; y[name] += f[13]
         sched = ARGV[i]; sub(/stat$/, "schedstat", sched)
         if ((getline line < sched) > 0) { split(line, g, " "); w[name] += g[3] }
         close(sched) }
       for (k in u) print k, u[k], y[k], w[k] + 0 }' "${files[@]}" 2>/dev/null >"$1" || true
}
# thread_top BEFORE AFTER: the thread groups that used the most CPU between the two snapshots, with
# their kernel share and how often they ran (wake-ups cost CPU of their own at low link rates)
thread_top() {
  awk 'NR == FNR { bu[$1] = $2; by[$1] = $3; bw[$1] = $4; next }
       { d = $2 - bu[$1] + $3 - by[$1]; if (d > 0) print d, $1, $3 - by[$1], $4 - bw[$1] }' "$1" "$2" | sort -rn |
    head -n 7 | awk -v h="$clk_tck" '{ printf "%s%s %.1f", (NR > 1 ? ", " : ""), $2, $1 / h
      if ($1 >= h) printf " (sys %.1f, %.0fk runs)", $3 / h, $4 / 1000 }'
}
ticks_s() { awk -v t="$1" -v h="$clk_tck" 'BEGIN { printf "%.2f", t / h }'; }
# machine_ticks: "busy total irq" over all cores from /proc/stat: the daemons are not the only load,
# the simulated LAN (veth, bridge, tbf) runs in the kernel's softirq time
# link_bytes OUT: "up|down HOST BYTES", what each host link's shaper has sent so far (upload: the
# host-side veth; download: the bridge-side one)
link_bytes() {
  local i
  for i in $(seq 1 "$n"); do
    echo "up $i $(tc -n "$(ns "$i")" -s qdisc show dev eth0 2>/dev/null | awk '/Sent/ { print $2; exit }')"
    echo "down $i $(tc -n "$ns_br" -s qdisc show dev "vh$i" 2>/dev/null | awk '/Sent/ { print $2; exit }')"
  done >"$1"
}
# link_busy BEFORE AFTER SECONDS: how busy the links were, as a share of the rate: whether the time
# was lost on the seed's uplink, on the receivers' downlinks, or with uplinks left idle
link_busy() {
  awk -v secs="$3" -v bps="$bps" 'NR == FNR { b[$1 " " $2] = $3; next }
    { u = ($3 - b[$1 " " $2]) / bps / secs
      if ($1 == "up" && $2 == 1) seed = u
      else if ($1 == "up") { us += u; un++ }
      else if ($2 != 1) { ds += u; dn++; if (dmin == "" || u < dmin) dmin = u } }
    END { printf "receivers\047 downlinks %.2f (lowest %.2f), seed\047s uplink %.2f, receivers\047 uplinks %.2f", ds / dn, dmin, seed, us / un }' "$1" "$2"
}
machine_ticks() { awk '/^cpu / { printf "%.0f %.0f %.0f\n", $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $7 + $8 }' /proc/stat; }

# what the daemons burn doing nothing (gossip, timers, JIT still compiling start-up code), for scale
read -r iu is < <(all_ticks); idle_t0=$(now); sleep 3
read -r iu2 is2 < <(all_ticks)
idle_rate=$(awk -v c="$((iu2 + is2 - iu - is))" -v h="$clk_tck" -v t="$(sub "$(now)" "$idle_t0")" 'BEGIN { printf "%.3f", c / h / t }')
echo "idle: all $n daemons together use $(f2 "$idle_rate") CPU-s per second"
nginx_pid=${nginx_master:-}   # none in smoke mode
nginx_ticks() { # utime+stime of nginx's workers (children of the master) and the master
  local p t=0 u s
  for p in "$nginx_pid" $(cat "/proc/$nginx_pid/task/$nginx_pid/children" 2>/dev/null); do
    read -r u s < <(cpu_ticks "$p"); t=$((t + u + s))
  done
  echo "$t"
}
rsync_ticks() { # utime+stime of the rsync daemon and of its children it has reaped (one per connection)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$rsyncd_pid/stat"
}
rsyncd_idle() { [ -z "$(tr -d ' \n' <"/proc/$rsyncd_pid/task/$rsyncd_pid/children")" ]; }
# times_s FILE: children's user + sys seconds from the output of the bash builtin `times`
times_s() { awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%.3f", t }' "$1"; }

# sampler: every 0.25 s, host 1's view of how many chunks the other hosts hold (GET /files, one small
# request). It runs as one loop inside host 1's namespace (no `ip netns exec` per sample); each sample is
# stamped with the middle of its request. Output lines: time, chunks per copy, chunks held by the others.
cat >"$tmp/sampler.sh" <<'EOF'
name=$1 out=$2 stop=$3 dir=$4
url="http://127.0.0.1:$(cat "$dir/admin.port")/v1/files"
auth="Authorization: Bearer $(cat "$dir/admin.token")"
while [ ! -e "$stop" ]; do
  a=$EPOCHREALTIME
  body=$(curl -sS --max-time 5 -H "$auth" "$url" 2>/dev/null) || body=""
  b=$EPOCHREALTIME
  printf '%s\n' "$body" | awk -v name="\"$name\"" -v t="$(( (${a/./} + ${b/./}) / 2 ))" '
    $1 == "\"path\"" { cur = ($3 == name || $3 == name ","); nh = 0 }
    cur && $1 == "\"chunks\"" { c = $3 + 0 }
    cur && $1 == "\"have\"" { nh++; if (nh == 1) self = $3 + 0; else sum += $3 + 0 }
    END { if (c > 0) printf "%.6f %d %d\n", t / 1000000, c, sum - self }' >>"$out"
  sleep 0.25
done
EOF
sampler() { # sampler NAME OUT STOPFILE
  LC_ALL=C exec ip netns exec "$(ns 1)" bash "$tmp/sampler.sh" "$1" "$2" "$3" "$tmp/h1"
}
# link sampler: every 50 ms, the bytes each receiver's downlink has carried (the bridge-side veth's
# tx_bytes, read without a fork inside the bridge's namespace). Output lines: time, then hosts 2..N.
cat >"$tmp/linksampler.sh" <<'EOF'
out=$1 stop=$2 n=$3
while [ ! -e "$stop" ]; do
  line=$EPOCHREALTIME
  for ((i = 2; i <= n; i++)); do read -r b <"/sys/class/net/vh$i/statistics/tx_bytes" || b=0; line+=" $b"; done
  printf '%s\n' "$line" >>"$out"
  sleep 0.05
done
EOF
link_sampler() { # link_sampler OUT STOPFILE
  LC_ALL=C exec ip netns exec "$ns_br" bash "$tmp/linksampler.sh" "$1" "$2" "$n"
}
# downlink_quarters SAMPLES T0 DONE2..DONEN: how busy the receivers' downlinks were in each quarter
# second from the add (bytes at each quarter's edges interpolated between samples, as a share of the
# rate), averaged over the receivers still without their copy when the quarter began; the first two
# seconds one by one, then the mean of the quarters after them up to a second before the last copy (the
# end is "last 10%" above: a copy counts from its rename, up to 50 ms after its last byte). Read
# against iperf3's one-link rate: TCP payload alone fills about 0.96 of a link's rate, and the
# busiest quarters of 8-host runs read 0.95-0.96
downlink_quarters() {
  local samples=$1 t0=$2; shift 2
  awk -v t0="$t0" -v bps="$bps" -v done_list="$*" '
    BEGIN { k = split(done_list, done, " "); last = 0; for (i = 1; i <= k; i++) if (done[i] > last) last = done[i] }
    { ns++; t[ns] = $1; for (i = 2; i <= NF; i++) b[ns, i - 1] = $i }
    function at(x, r,   j, f) {  # bytes of receiver r at time x
      if (x <= t[1]) return b[1, r]
      for (j = 2; j <= ns; j++) if (t[j] >= x) { f = (x - t[j - 1]) / (t[j] - t[j - 1]); return b[j - 1, r] + f * (b[j, r] - b[j - 1, r]) }
      return b[ns, r]
    }
    END {
      if (ns < 2 || k == 0) { print "no samples"; exit }
      out = ""; bulk = 0; bulkn = 0
      for (q = 0; t0 + q * 0.25 < last; q++) {
        a = t0 + q * 0.25; e = a + 0.25; sum = 0; cnt = 0
        for (r = 1; r <= k; r++) {
          if (done[r] <= a) continue
          until = done[r] < e ? done[r] : e
          if (until - a < 0.01) continue
          sum += (at(until, r) - at(a, r)) / bps / (until - a); cnt++
        }
        if (cnt == 0) continue
        if (q < 8) out = out sprintf(" %.2f", sum / cnt)
        else if (e <= last - 1) { bulk += sum / cnt; bulkn++ }
      }
      printf "%s%s", substr(out, 2), (bulkn ? sprintf("; then %.2f on average until a second before the last copy", bulk / bulkn) : "")
    }' "$samples"
}
# seconds after T0 of the first log line (among lines after LINE0) matching PATTERN, from HH:mm:ss.SSS stamps
log_time() { # log_time FILE LINE0 PATTERN T0
  local t0tod
  t0tod=$(date -d "@$4" +%H:%M:%S.%N | awk '{ split($1, a, ":"); printf "%.3f", a[1] * 3600 + a[2] * 60 + a[3] }')
  tail -n +"$(($2 + 1))" "$1" 2>/dev/null | grep -m 1 -- "$3" | awk -v z="$t0tod" '{
      split($1, a, ":"); s = a[1] * 3600 + a[2] * 60 + a[3]; d = s - z
      if (d < -43200) d += 86400; if (d > 43200) d -= 86400; printf "%.3f", d }'
}

receivers_list=($(seq 2 "$n"))
copies_ok=0
res_ss=() res_central=() res_add=() res_first=() res_med=() res_last=() res_cpu=() res_cpu_user=() res_cpu_sys=()
res_cpu_seed=() res_t90=() res_t100=() res_seal=() res_queued=() res_chunk1=() res_bulk=() res_tail=() res_dup=() res_seedup=() res_ccpu=() res_busy=() res_irq=()
res_sha=() res_sha_cpu=() res_add_cpu=() res_seed_add=() res_rs=() res_rs_cpu=()
for iter in $(seq 1 $((warm + runs))); do
  # warm-up transfers are checked like the others, but neither timed against nginx nor counted
  if [ "$iter" -le "$warm" ]; then measured=0 run="w$iter"; else measured=1 run=$((iter - warm)); fi
  if [ "$tree" = 0 ]; then
    name="bench-$run.bin"
    src="$tmp/src/$name"
    head -c "$size_bytes" /dev/urandom >"$src"
    want=$(sha256sum <"$src" | cut -c1-64)
  else
    name="bench-$run-tree"
    src="$tmp/src/$name"
    tree_write "$src" || fail "python3 could not write the tree"
    sync
    # the publishing reference: sha256sum of every file, page cache warm (just written)
    ( h0=$EPOCHREALTIME; tree_sum "$src" >"$tmp/want"; h1=$EPOCHREALTIME
      times >"$tmp/sha.times"; echo "$h0 $h1" >"$tmp/sha.span" ) || fail "sha256sum of the tree failed"
    want=$(cat "$tmp/want"); read -r h0 h1 <"$tmp/sha.span"
    t_sha=$(sub "$h1" "$h0"); sha_cpu=$(times_s "$tmp/sha.times")
    [ ${#want} -eq 64 ] || fail "sha256sum of the tree failed"
  fi
  lines0=() up0=() down0=() seed_t0=()
  for i in $(seq 1 "$n"); do
    lines0[$i]=$(wc -l <"$tmp/logs/h$i.log")
    st=$(admin "$i" /status) || fail "host $i does not answer its admin channel"
    up0[$i]=$(echo "$st" | json_int bytesUp); down0[$i]=$(echo "$st" | json_int bytesDown)
  done
  samples="$tmp/logs/run$run-samples.txt"; stop="$tmp/sampler.stop"
  rm -f "$stop" "$tmp/add.done"; : >"$samples"
  sampler "$name" "$samples" "$stop" &
  sampler_pid=$!; bg_pids+=("$sampler_pid")
  links="$tmp/logs/run$run-downlinks.txt"; : >"$links"
  link_sampler "$links" "$stop" &
  link_sampler_pid=$!; bg_pids+=("$link_sampler_pid")
  thread_ticks "$tmp/threads0"
  link_bytes "$tmp/links0"
  read -r cu0 cs0 < <(all_ticks); read -r su0 ss0 < <(cpu_ticks "${daemon_pids[1]}")
  read -r mb0 mt0 mi0 < <(machine_ticks)

  # the clock starts with the user's command
  t0=$EPOCHREALTIME
  ( rc=0; ip netns exec "$(ns 1)" "$ss" add --data "$tmp/h1" "$src" --json >"$tmp/logs/run$run-add.txt" 2>&1 || rc=$?
    te=$EPOCHREALTIME; times >"$tmp/add.times"; echo "$rc $te" >"$tmp/add.done" ) &
  add_pid=$!; bg_pids+=("$add_pid")
  declare -A done_at=()
  seed_at_add=""   # host 1's daemon's /proc stat line when add returned
  deadline_us=$(( ${t0/./} + run_timeout * 1000000 ))
  # (no forks in here but sleep: the loop must stay light and punctual on a busy machine; no `read -t`
  # as a sleep either: bash 5.2 crashes when a trapped signal interrupts it)
  while :; do
    for i in "${receivers_list[@]}"; do
      # a tree is in place once files/NAME links to its whole directory
      [[ -z "${done_at[$i]:-}" && ( ( $tree == 0 && -f "$tmp/h$i/files/$name" ) || ( $tree != 0 && -d "$tmp/h$i/files/$name" ) ) ]] \
        && done_at[$i]=$EPOCHREALTIME
    done
    [ ${#done_at[@]} -eq "$receivers" ] && break
    if [ -f "$tmp/add.done" ]; then
      read -r add_rc _ <"$tmp/add.done" || add_rc=""
      [ "$add_rc" != 0 ] && [ -n "$add_rc" ] && fail "swiftserve add failed: $(cat "$tmp/logs/run$run-add.txt")"
      [[ -z "$seed_at_add" && "$add_rc" == 0 ]] && read -r seed_at_add <"/proc/${daemon_pids[1]}/stat"
    fi
    for p in "${daemon_pids[@]}"; do kill -0 "$p" 2>/dev/null || fail "a daemon (pid $p) exited during run $run"; done
    if (( ${EPOCHREALTIME/./} > deadline_us )); then
      missing=$(for i in "${receivers_list[@]}"; do [ -n "${done_at[$i]:-}" ] || printf '%s ' "$i"; done)
      fail "run $run: after ${run_timeout}s hosts $missing still lack $name (BENCH_TIMEOUT raises the limit)"
    fi
    sleep 0.05
  done
  read -r cu1 cs1 < <(all_ticks); read -r su1 ss1 < <(cpu_ticks "${daemon_pids[1]}")
  read -r mb1 mt1 mi1 < <(machine_ticks)
  thread_ticks "$tmp/threads1"
  link_bytes "$tmp/links1"
  touch "$stop"
  deadline2=$((SECONDS + 60))
  until [ -s "$tmp/add.done" ]; do
    [ $SECONDS -lt $deadline2 ] || fail "swiftserve add did not return within 60 s after the last copy arrived"
    sleep 0.1
  done
  wait "$add_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  wait "$link_sampler_pid" 2>/dev/null || true
  read -r add_rc add_end <"$tmp/add.done"; rm -f "$tmp/add.done"
  [ "$add_rc" = 0 ] || fail "swiftserve add failed: $(cat "$tmp/logs/run$run-add.txt")"

  # verify: every host's own view (swiftserve ls --json inside its namespace) and every copy's SHA-256
  ls_pids=()
  for i in $(seq 1 "$n"); do
    timeout 120 ip netns exec "$(ns "$i")" "$ss" ls --json --data "$tmp/h$i" >"$tmp/ls-$i.json" 2>&1 &
    ls_pids+=($!)
    if [ "$tree" != 0 ]; then
      # the tree's entries as the host's daemon lists them, and the files it wrote out
      timeout 120 ip netns exec "$(ns "$i")" "$ss" ls "$name" --json --data "$tmp/h$i" >"$tmp/lstree-$i.json" 2>&1 &
      ls_pids+=($!)
      ( tree_sum "$tmp/h$i/files/$name" >"$tmp/sum-$i" 2>"$tmp/sum-$i.err" ) &
      ls_pids+=($!)
    fi
  done
  for p in "${ls_pids[@]}"; do wait "$p" || true; done
  for i in $(seq 1 "$n"); do
    state=$(awk -v name="\"$name\"," '$1 == "\"path\"" { cur = ($3 == name) } cur && $1 == "\"state\"" { gsub(/[",]/, "", $3); print $3; exit }' "$tmp/ls-$i.json")
    [ "$state" = complete ] || fail "run $run: swiftserve ls on host $i says '$state' for $name: $(head -c 300 "$tmp/ls-$i.json")"
    if [ "$tree" != 0 ]; then
      entries=$(grep -Ec '"directory" *: *false' "$tmp/lstree-$i.json" || true)
      [ "$entries" = "$tree" ] || fail "run $run: swiftserve ls $name on host $i lists $entries files, not $tree: $(head -c 300 "$tmp/lstree-$i.json")"
      [ -L "$tmp/h$i/files/$name" ] && [ -d "$tmp/h$i/files/$name" ] || fail "run $run: host $i has no tree (link to a directory) at files/$name"
      got=$(cat "$tmp/sum-$i")
      [ "$got" = "$want" ] || fail "run $run: host $i's tree $name differs from the source (SHA-256 of its sha256sum list $got, want $want) $(head -c 300 "$tmp/sum-$i.err")"
      copies_ok=$((copies_ok + 1))
      continue
    fi
    # spelled out so that a lost or unreadable copy fails with its reason, not as a bare set -e exit
    [ -f "$tmp/h$i/files/$name" ] || fail "run $run: host $i has no copy of $name"
    got=$(sha256sum <"$tmp/h$i/files/$name" | cut -c1-64) || got="unreadable"
    [ "$got" = "$want" ] || fail "run $run: host $i holds a copy of $name with the wrong SHA-256 ($got, want $want)"
    copies_ok=$((copies_ok + 1))
  done

  # transfer counters: who uploaded how much, and how much more than one copy per receiver was downloaded
  seed_up=0 total_down=0
  for i in $(seq 1 "$n"); do
    st=$(admin "$i" /status)
    u=$(( $(echo "$st" | json_int bytesUp) - up0[$i] )); d=$(( $(echo "$st" | json_int bytesDown) - down0[$i] ))
    [ "$i" -eq 1 ] && seed_up=$u
    total_down=$((total_down + d))
  done

  if [ "$smoke" -eq 0 ] && [ "$measured" -eq 1 ] && [ "$central" -eq 1 ]; then
    # the central-server reference: nginx on host 1, every other host downloads at once
    ln "$src" "$tmp/www/$name"
    nt0=$(nginx_ticks)
    c0=$(now)
    curl_pids=()
    for i in "${receivers_list[@]}"; do
      ( rc=0; ip netns exec "$(ns "$i")" curl -sS --fail --max-time "$run_timeout" -o "$tmp/dl/h$i.bin" \
          "http://$(addr 1):8080/$name" 2>"$tmp/dl/h$i.err" || rc=$?
        te=$EPOCHREALTIME; times >"$tmp/dl/h$i.times"; echo "$rc $te" >"$tmp/dl/h$i.done" ) &
      curl_pids+=($!)
    done
    for p in "${curl_pids[@]}"; do wait "$p" || true; done
    nt1=$(nginx_ticks)
    c_last=0 curl_cpu=0
    for i in "${receivers_list[@]}"; do
      read -r rc te <"$tmp/dl/h$i.done"
      [ "$rc" = 0 ] || fail "run $run: curl on host $i failed: $(cat "$tmp/dl/h$i.err")"
      [ "$(sha256sum <"$tmp/dl/h$i.bin" | cut -c1-64)" = "$want" ] || fail "run $run: nginx copy on host $i has the wrong SHA-256"
      c_last=$(awk -v a="$c_last" -v b="$(sub "$te" "$c0")" 'BEGIN { print (b > a ? b : a) }')
      curl_cpu=$(awk -v a="$curl_cpu" -v b="$(times_s "$tmp/dl/h$i.times")" 'BEGIN { print a + b }')
    done
    central_cpu=$(awk -v c="$curl_cpu" -v t="$((nt1 - nt0))" -v h="$clk_tck" 'BEGIN { printf "%.2f", c + t / h }')
    rm -f "$tmp"/dl/* "$tmp/www/$name"
  else
    c_last="-" central_cpu="-"
  fi
  rs_last="-" rs_cpu="-"
  if [ "$smoke" -eq 0 ] && [ "$measured" -eq 1 ] && [ "$tree" != 0 ]; then
    # rsync takes about N-1 times as long as swiftserve: say where the run is meanwhile
    echo "bench-lan: run $run: last swiftserve copy in place after $(f2 "$(sub "$(printf '%s\n' "${done_at[@]}" | sort -g | tail -n 1)" "$t0")") s, all $n copies checked; rsync to $receivers hosts next (at least $(f1 "$t_central_ideal") s)" >&2
    # the rsync reference: every other host pulls the tree from host 1's rsync daemon at once
    rt0=$(rsync_ticks)
    r0=$(now)
    rs_pids=()
    for i in "${receivers_list[@]}"; do
      mkdir -p "$tmp/rs/h$i"
      ( rc=0; timeout "$run_timeout" ip netns exec "$(ns "$i")" rsync -a "rsync://$(addr 1)/src/$name/" "$tmp/rs/h$i/" \
          2>"$tmp/rs/h$i.err" || rc=$?
        te=$EPOCHREALTIME; times >"$tmp/rs/h$i.times"; echo "$rc $te" >"$tmp/rs/h$i.done" ) &
      rs_pids+=($!)
    done
    for p in "${rs_pids[@]}"; do wait "$p" || true; done
    # its per-connection children count in the daemon's CPU once it has reaped them
    wait_until 20 "the rsync daemon to reap its children" rsyncd_idle
    rt1=$(rsync_ticks)
    rs_last=0 rs_client=0 sum_pids=()
    for i in "${receivers_list[@]}"; do
      read -r rc te <"$tmp/rs/h$i.done"
      [ "$rc" = 0 ] || fail "run $run: rsync on host $i failed (exit $rc): $(head -c 300 "$tmp/rs/h$i.err")"
      rs_last=$(awk -v a="$rs_last" -v b="$(sub "$te" "$r0")" 'BEGIN { print (b > a ? b : a) }')
      rs_client=$(awk -v a="$rs_client" -v b="$(times_s "$tmp/rs/h$i.times")" 'BEGIN { print a + b }')
      ( tree_sum "$tmp/rs/h$i" >"$tmp/rs/sum-$i" 2>&1 ) &
      sum_pids+=($!)
    done
    for p in "${sum_pids[@]}"; do wait "$p" || true; done
    for i in "${receivers_list[@]}"; do
      [ "$(cat "$tmp/rs/sum-$i")" = "$want" ] || fail "run $run: rsync's copy on host $i differs from the source"
    done
    rs_cpu=$(awk -v c="$rs_client" -v t="$((rt1 - rt0))" -v h="$clk_tck" 'BEGIN { printf "%.2f", c + t / h }')
    rm -rf "$tmp"/rs/h* "$tmp"/rs/sum-*
  fi

  # per-host completion: the moment the file was in place, by the poll or (ms precise) the daemon's log
  times=()
  for i in "${receivers_list[@]}"; do
    tp=$(sub "${done_at[$i]}" "$t0")
    tl=$(log_time "$tmp/logs/h$i.log" "${lines0[$i]}" "file complete: $name v" "$t0")
    times+=("$(awk -v p="$tp" -v l="$tl" 'BEGIN { printf "%.3f", (l != "" && l > 0 && l < p) ? l : p }')")
  done
  first=$(printf '%s\n' "${times[@]}" | sort -g | head -n 1)
  last=$(printf '%s\n' "${times[@]}" | sort -g | tail -n 1)
  med=$(median "${times[@]}")
  t_ss=$last
  t_add=$(sub "$add_end" "$t0")
  add_cpu=$(times_s "$tmp/add.times")
  [ -n "$seed_at_add" ] || seed_at_add=$(cat "/proc/${daemon_pids[1]}/stat")   # add returned after the last copy
  seed_add_cpu=$(echo "$seed_at_add" | awk -v u0="$su0" -v s0="$ss0" -v h="$clk_tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 - u0 + $13 - s0) / h }')

  # where the time went: the daemons' logs and host 1's progress samples
  seal=$(log_time "$tmp/logs/h1.log" "${lines0[1]}" "block sealed" "$t0")
  queued=()
  for i in "${receivers_list[@]}"; do
    q=$(log_time "$tmp/logs/h$i.log" "${lines0[$i]}" "file queued: $name v" "$t0"); [ -n "$q" ] && queued+=("$q")
  done
  q_last=$(printf '%s\n' "${queued[@]:-}" | sort -g | tail -n 1)
  # first chunk held anywhere; bulk phase = receivers' chunk rate between 10% and 90% delivered as a
  # share of N-1 full download links; tail = time from 90% delivered to the last copy
  read -r chunk1 bulk_eff t90 t100 < <(awk -v t0="$t0" -v k="$receivers" -v F="$size_bytes" -v u="$bps" '
      { t = $1 - t0; c = $2; h = $3; need = c * k
        if (first == "" && h > 0) first = t
        if (t10 == "" && h >= 0.1 * need) { t10 = t; h10 = h }
        if (t90 == "" && h >= 0.9 * need) { t90 = t; h90 = h }
        if (t100 == "" && h >= need) t100 = t }
      END { if (first == "") first = "-"
            if (t10 != "" && t90 != "" && t90 > t10) bulk = sprintf("%.2f", (h90 - h10) / (t90 - t10) / c / k * F / u); else bulk = "-"
            print first, bulk, (t90 == "" ? "-" : t90), (t100 == "" ? "-" : t100) }' "$samples")
  # by the time the last copy is in place every chunk is held, whatever the last sample said
  t100=$(awk -v a="$t100" -v l="$last" 'BEGIN { print (a == "-" || a + 0 > l + 0) ? l : a }')
  tail_s="-"
  [ "$t90" != "-" ] && tail_s=$(sub "$last" "$t90")
  cpu_u=$(ticks_s "$((cu1 - cu0))"); cpu_sy=$(ticks_s "$((cs1 - cs0))")
  cpu_s=$(ticks_s "$((cu1 - cu0 + cs1 - cs0))"); cpu_seed=$(ticks_s "$((su1 - su0 + ss1 - ss0))")
  busy=$(awk -v b="$((mb1 - mb0))" -v t="$((mt1 - mt0))" 'BEGIN { printf "%.0f", (t > 0 ? 100 * b / t : 0) }')
  irq=$(awk -v b="$((mi1 - mi0))" -v t="$((mt1 - mt0))" 'BEGIN { printf "%.0f", (t > 0 ? 100 * b / t : 0) }')
  if [ "$measured" -eq 0 ]; then
    printf 'warm-up %d/%d: swiftserve %s s = %s x T_min, CPU of all daemons %s s (by thread: %s)\n' \
      "$iter" "$warm" "$(f2 "$t_ss")" "$(f2 "$(div "$t_ss" "$t_min")")" "$(f1 "$cpu_s")" "$(thread_top "$tmp/threads0" "$tmp/threads1")"
  else
    res_busy+=("$busy") res_irq+=("$irq")
    dup=$(awk -v d="$total_down" -v F="$size_bytes" -v k="$receivers" 'BEGIN { printf "%.3f", d / (F * k) }')
    seed_copies=$(awk -v u="$seed_up" -v F="$size_bytes" 'BEGIN { printf "%.2f", u / F }')

    res_ss+=("$t_ss") res_central+=("$c_last") res_add+=("$t_add") res_first+=("$first") res_med+=("$med") res_last+=("$last")
    res_cpu+=("$cpu_s") res_cpu_user+=("$cpu_u") res_cpu_sys+=("$cpu_sy") res_cpu_seed+=("$cpu_seed") res_seal+=("${seal:--}")
    res_queued+=("${q_last:--}") res_chunk1+=("$chunk1") res_bulk+=("$bulk_eff") res_tail+=("$tail_s") res_dup+=("$dup")
    res_seedup+=("$seed_copies") res_ccpu+=("$central_cpu") res_t90+=("$t90") res_t100+=("$t100")
    central_run="" central_cpu_run=""
    if [ "$smoke" -eq 0 ] && [ "$central" -eq 1 ]; then
      central_run=$(printf ' | central %s s = %s x T_min | swiftserve/central %s' \
        "$(f2 "$c_last")" "$(f2 "$(div "$c_last" "$t_min")")" "$(f2 "$(div "$t_ss" "$c_last")")")
      central_cpu_run="; nginx + curl moved the same bytes with $(f1 "$central_cpu") CPU-s"
    fi
    if [ "$smoke" -eq 0 ] && [ "$tree" != 0 ]; then
      central_run=$(printf ' | rsync %s s = %s x T_min | swiftserve/rsync %s' \
        "$(f2 "$rs_last")" "$(f2 "$(div "$rs_last" "$t_min")")" "$(f2 "$(div "$t_ss" "$rs_last")")")
      central_cpu_run="; rsync (daemon + $receivers clients) moved the same bytes with $(f1 "$rs_cpu") CPU-s = $(f1 "$(div "$rs_cpu" "$delivered_gib")") CPU-s/GiB"
    fi
    printf 'run %d/%d: swiftserve %s s = %s x T_min (hosts first/median/last %s/%s/%s s)%s\n' \
      "$run" "$runs" "$(f2 "$t_ss")" "$(f2 "$(div "$t_ss" "$t_min")")" "$(f2 "$first")" "$(f2 "$med")" "$(f2 "$last")" "$central_run"
    printf '    from add: sealed %s, queued on every host %s, first chunk %s, 90%% of chunks %s, all chunks %s, last copy in place %s; add returned %s\n' \
      "$(at "${seal:--}")" "$(at "${q_last:--}")" "$(at "$chunk1")" "$(at "$t90")" "$(at "$t100")" "$(at "$last")" "$(at "$t_add")"
    printf '    bulk phase at %s of full links; last 10%% took %s s (%s s at full links); downloaded %s x the needed bytes; seed uploaded %s copies\n' \
      "$bulk_eff" "$(f2 "$tail_s")" "$(f2 "$(awk -v t="$t_min" 'BEGIN { print 0.1 * t }')")" "$(f2 "$dup")" "$seed_copies"
    printf '    CPU of all daemons %s s (user %s, sys %s; seed %s) = %s CPU-s/GiB delivered%s\n' \
      "$(f1 "$cpu_s")" "$(f1 "$cpu_u")" "$(f1 "$cpu_sy")" "$(f1 "$cpu_seed")" "$(f1 "$(div "$cpu_s" "$delivered_gib")")" "$central_cpu_run"
    echo "    CPU-s by daemon thread: $(thread_top "$tmp/threads0" "$tmp/threads1")"
    if [ "$tree" != 0 ]; then
      res_sha+=("$t_sha") res_sha_cpu+=("$sha_cpu") res_add_cpu+=("$add_cpu") res_seed_add+=("$seed_add_cpu") res_rs+=("$rs_last") res_rs_cpu+=("$rs_cpu")
      printf '    publishing: add returned after %s s = %s x sha256sum of all files (%s s, %s CPU-s = %s CPU-s/GiB); CPU until add returned: add command %s s, seed daemon %s s = %s CPU-s/GiB of the tree\n' \
        "$(f2 "$t_add")" "$(f2 "$(div "$t_add" "$t_sha")")" "$(f2 "$t_sha")" "$(f1 "$sha_cpu")" "$(f1 "$(div "$sha_cpu" "$tree_gib")")" \
        "$(f1 "$add_cpu")" "$(f1 "$seed_add_cpu")" "$(f1 "$(div "$(awk -v a="$add_cpu" -v b="$seed_add_cpu" 'BEGIN { print a + b }')" "$tree_gib")")"
    fi
    echo "    links busy from add to last copy: $(link_busy "$tmp/links0" "$tmp/links1" "$t_ss")"
    echo "    receivers' downlinks carried, as a share of their rate, in each quarter second from the add: $(downlink_quarters "$links" "$t0" $(for i in "${receivers_list[@]}"; do printf '%s ' "${done_at[$i]}"; done))"
  echo "    machine: all $(nproc) cores ${busy}% busy from add to last copy (kernel irq/softirq, which carries the simulated LAN, ${irq}%)"
  fi

  # remove the file from the network before the next run (bounded)
  if [ "$iter" -lt $((warm + runs)) ]; then
    timeout 120 ip netns exec "$(ns 1)" "$ss" rm --data "$tmp/h1" "$name" >/dev/null 2>&1 || fail "swiftserve rm $name failed"
    gone() { local i; for i in $(seq 1 "$n"); do [ ! -e "$tmp/h$i/files/$name" ] || return 1; done; }
    wait_until 60 "$name to be deleted on every host" gone
  fi
  rm -rf "$src"
  unset done_at
done

# ---------------------------------------------------------------- summary
# the loop fails on the first bad copy; this guards against a change that lets a host go unchecked
[ "$copies_ok" -eq $((n * (warm + runs))) ] || fail "only $copies_ok of $((n * (warm + runs))) copies were checked"
m_ss=$(median "${res_ss[@]}")
m_cpu=$(median "${res_cpu[@]}")
cpu_gib=$(awk -v c="$m_cpu" -v g="$delivered_gib" 'BEGIN { printf "%.1f", c / g }')
if [ "$smoke" -eq 0 ]; then
  m_c=$(median "${res_central[@]}")
  ccpu_gib=$(awk -v c="$(median "${res_ccpu[@]}")" -v g="$delivered_gib" 'BEGIN { printf "%.1f", c / g }')
fi
m_first=$(median "${res_first[@]}"); m_med=$(median "${res_med[@]}"); m_last=$(median "${res_last[@]}")
spread=$(awk -v a="$m_first" -v b="$m_last" 'BEGIN { if (a > 0) printf "%.0f", (b / a - 1) * 100; else print "nan" }')
echo
echo "summary over $runs run(s)$([ "$warm" -eq 0 ] || echo " after $warm unmeasured warm-up transfer(s)"): N=$n, $rate Mbit/s, $size MiB$([ "$tree" = 0 ] || echo " tree of $tree files") (medians)"
printf '  swiftserve            %7s s   runs: %s\n' "$(f2 "$m_ss")" "$(for v in "${res_ss[@]}"; do printf '%s ' "$(f2 "$v")"; done)"
printf '  T_min (Kumar-Ross)    %7s s   swiftserve / T_min   = %s\n' "$(f2 "$t_min")" "$(f2 "$(div "$m_ss" "$t_min")")"
if [ "$smoke" -eq 0 ]; then
  printf '  one copy at iperf3    %7s s   swiftserve / that    = %s (all links busy: %s s, ratio %s)\n' "$(f2 "$t_link")" \
    "$(f2 "$(div "$m_ss" "$t_link")")" "$(f2 "$t_ring")" "$(f2 "$(div "$m_ss" "$t_ring")")"
  if [ "$tree" != 0 ]; then
    m_rs=$(median "${res_rs[@]}")
    rscpu_gib=$(awk -v c="$(median "${res_rs_cpu[@]}")" -v g="$delivered_gib" 'BEGIN { printf "%.1f", c / g }')
    printf '  %-22s%7s s   swiftserve / rsync   = %s (rsync = %s x T_min; %s CPU-s/GiB)\n' "rsync, $receivers hosts at once" "$(f2 "$m_rs")" \
      "$(f2 "$(div "$m_ss" "$m_rs")")" "$(f2 "$(div "$m_rs" "$t_min")")" "$rscpu_gib"
  elif [ "$central" -eq 1 ]; then
    printf '  central server        %7s s   swiftserve / central = %s (central = %s x T_min)\n' "$(f2 "$m_c")" \
      "$(f2 "$(div "$m_ss" "$m_c")")" "$(f2 "$(div "$m_c" "$t_min")")"
  else
    echo "  central server        skipped (--no-central)"
  fi
else
  echo "  iperf3, central       skipped in smoke mode"
fi
if [ "$tree" != 0 ]; then
  m_add=$(median "${res_add[@]}"); m_sha=$(median "${res_sha[@]}")
  m_pub_cpu=$(median $(for r in $(seq 0 $((runs - 1))); do awk -v a="${res_add_cpu[$r]}" -v b="${res_seed_add[$r]}" 'BEGIN { print a + b }'; done))
  printf '  publishing (add)      %7s s   add / sha256sum      = %s (sha256sum of all files %s s, %s CPU-s/GiB; add command + seed daemon %s CPU-s/GiB)\n' \
    "$(f2 "$m_add")" "$(f2 "$(div "$m_add" "$m_sha")")" "$(f2 "$m_sha")" "$(f1 "$(div "$(median "${res_sha_cpu[@]}")" "$tree_gib")")" \
    "$(f1 "$(div "$m_pub_cpu" "$tree_gib")")"
fi
printf '  per-host completion   first/median/last %s/%s/%s s (last %s%% after first)\n' "$(f2 "$m_first")" "$(f2 "$m_med")" "$(f2 "$m_last")" "$spread"
printf '  from add              sealed %s, queued everywhere %s, first chunk %s, 90%% of chunks %s, all chunks %s; add returned %s\n' \
  "$(at "$(median "${res_seal[@]}")")" "$(at "$(median "${res_queued[@]}")")" "$(at "$(median "${res_chunk1[@]}")")" \
  "$(at "$(median "${res_t90[@]}")")" "$(at "$(median "${res_t100[@]}")")" "$(at "$(median "${res_add[@]}")")"
printf '  transfer              bulk phase at %s of full links, last 10%% in %s s, %s x the needed bytes downloaded\n' \
  "$(median "${res_bulk[@]}")" "$(f2 "$(median "${res_tail[@]}")")" "$(f2 "$(median "${res_dup[@]}")")"
printf '  CPU of all daemons    %7s s   = %s CPU-s per GiB delivered (user %s, sys %s, seed %s; idle %s CPU-s/s)%s\n' \
  "$(f1 "$m_cpu")" "$cpu_gib" "$(f1 "$(median "${res_cpu_user[@]}")")" "$(f1 "$(median "${res_cpu_sys[@]}")")" \
  "$(f1 "$(median "${res_cpu_seed[@]}")")" "$(f2 "$idle_rate")" "$([ "$smoke" -eq 1 ] || [ "$central" -eq 0 ] || echo "; nginx + curl: $ccpu_gib CPU-s/GiB, ratio $(f2 "$(div "$cpu_gib" "$ccpu_gib")")")$([ "$smoke" -eq 1 ] || [ "$tree" = 0 ] || echo "; rsync: $rscpu_gib CPU-s/GiB, ratio $(f2 "$(div "$cpu_gib" "$rscpu_gib")")")"
echo "  machine               $(median "${res_busy[@]}")% of all $(nproc) cores busy during the runs (irq/softirq $(median "${res_irq[@]}")%)"
echo
if [ "$smoke" -eq 1 ]; then
  # one line for CI logs: the verdict first, then the figures, which are reported but never judged
  printf 'smoke %s: passed, all %d copies (%d hosts x %d run(s)) have the right SHA-256; swiftserve %s s = %s x T_min, last host %s%% after first, CPU %s s (N=%d, %s Mbit/s, %d MiB%s)\n' \
    "$(date +%F)" "$copies_ok" "$n" "$runs" "$(f2 "$m_ss")" "$(f2 "$(div "$m_ss" "$t_min")")" "$spread" "$(f1 "$m_cpu")" "$n" "$rate" "$size" \
    "$([ "$tree" = 0 ] || echo ", tree of $tree files")"
  exit 0
fi
if [ "$tree" != 0 ]; then
  echo "PERFORMANCE row (date | machine | N | rate | files | MiB | swiftserve s, CPU-s/GiB | T_min s | x T_min | rsync s, CPU-s/GiB | x T_min | publish s | sha256sum s | publish / sha256sum | load average):"
  printf '| %s | %s | %d | %s Mbit/s | %d | %s | %s s, %s | %s s | %s | %s s, %s | %s | %s s | %s s | %s | %s |\n' "$(date +%F)" "$(nproc) cores" \
    "$n" "$rate" "$tree" "$(f1 "$(awk -v s="$size_bytes" 'BEGIN { print s / 1048576 }')")" "$(f2 "$m_ss")" "$cpu_gib" "$(f2 "$t_min")" \
    "$(f2 "$(div "$m_ss" "$t_min")")" "$(f2 "$m_rs")" "$rscpu_gib" "$(f2 "$(div "$m_rs" "$t_min")")" "$(f2 "$m_add")" "$(f2 "$m_sha")" \
    "$(f2 "$(div "$m_add" "$m_sha")")" "$(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
echo "README row:"
printf '| %s | %s | %d | %s Mbit/s | %d MiB | %s s | %s s | %s | %s s | %s | %s/%s/%s s | %s |\n' "$(date +%F)" "$(nproc) cores" \
  "$n" "$rate" "$size" "$(f2 "$m_ss")" "$(f2 "$t_min")" "$(f2 "$(div "$m_ss" "$t_min")")" "$(f2 "$m_c")" \
  "$([ "$central" -eq 1 ] && f2 "$(div "$m_ss" "$m_c")" || echo -)" "$(f1 "$m_first")" "$(f1 "$m_med")" "$(f1 "$m_last")" "$cpu_gib"
