#!/usr/bin/env bash
# Loopback benchmark: one random file of SIZE_MIB MiB from a seed to one peer with swiftserve, then
# the same bytes with nginx (sendfile on) + curl, in the same run, on the same machine.
#
#   scripts/bench-loopback.sh SIZE_MIB        e.g. 256 or 1024
#
# swiftserve: two daemons (seed, peer) in a temp dir, warmed up by one file (BENCH_WARMUP_MIB,
# default 256; 0 measures daemons fresh from their start-up warm-up, which the script waits for); "add" streams
# and hashes the file into the seed, seals it and announces it: reported on its own, until the peer
# lists the file; then the transfer runs until the peer holds the verified copy (the
# file appears under peer/files/ only after every chunk was hashed, fsync and rename). CPU seconds
# per GiB come from /proc/PID/stat (utime+stime) of each daemon before and after.
# nginx: the Debian package (installed with curl by apt-get when missing and allowed), one process
# (master_process off) with its own config and pid file in the temp dir, on a loopback port.
#
# Environment: BENCH_BASE_PORT (default 7700: seed, peer = +1, nginx = +2), BENCH_TIMEOUT seconds
# for every wait (default 600), BENCH_KEEP=1 keeps the temp dir, SWIFTSERVE_JAVA_OPTS for every JVM,
# BENCH_DAEMON_JAVA_OPTS for the two daemons only, "{node}" in it becoming seed or peer (profiling:
# BENCH_DAEMON_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/{node}.jfr,settings=profile').
# BENCH_TRANSPORT=tls (default) or cleartext: the daemons' --transport; under TLS,
# BENCH_DAEMON_JAVA_OPTS=-Dswiftserve.tls.provider=jdk measures the JDK's engine instead of BoringSSL.
set -euo pipefail
# measured with the defaults, not this machine's installed settings (/etc/swiftserve/swiftserve.conf)
export SWIFTSERVE_CONFIG=/dev/null
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ss="$here/swiftserve"

die() { echo "bench: $*" >&2; exit 1; }
[ $# -eq 1 ] && [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] || {
  sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
size_mib=$1
bytes=$((size_mib * 1048576))
base="${BENCH_BASE_PORT:-7700}"
BENCH_DAEMON_JAVA_OPTS="${BENCH_DAEMON_JAVA_OPTS:-}"
warmup_mib="${BENCH_WARMUP_MIB:-256}"
[[ "$warmup_mib" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP_MIB must be a number of MiB"
limit="${BENCH_TIMEOUT:-600}"
transport="${BENCH_TRANSPORT:-tls}"
[[ "$transport" =~ ^(tls|cleartext)$ ]] || die "BENCH_TRANSPORT must be tls or cleartext"
seed_port=$base peer_port=$((base + 1)) nginx_port=$((base + 2))
tck=$(getconf CLK_TCK)

# --- tools
missing=()
command -v java >/dev/null || die "java (17+) is not installed"
command -v python3 >/dev/null || missing+=(python3)
command -v curl >/dev/null || missing+=(curl)
nginx_bin="$(command -v nginx || true)"
[ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx
[ -z "$nginx_bin" ] && missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing ${missing[*]} and not root: apt-get install ${missing[*]}"
    sudo_cmd=sudo
  fi
  echo "bench: installing ${missing[*]} (apt-get) ..." >&2
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
fi
[ -x "$nginx_bin" ] || die "nginx is not installed"
"$ss" --version >/dev/null 2>&1 || die "the swiftserve jar is not built: mvn -B -q -DskipTests package"

# --- temp dir, cleanup of everything this script started (by PID)
work="$(mktemp -d "${TMPDIR:-/tmp}/swiftserve-bench.XXXXXX")"
chmod 755 "$work"   # nginx may serve as another user
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for WHAT COMMAND...: retry until it succeeds, at most $limit seconds; fails at once when a
# process in $watched (the daemons) has exited
watched=()
wait_for() {
  local what=$1 p; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    for p in "${watched[@]}"; do
      kill -0 "$p" 2>/dev/null || die "a daemon (pid $p) exited while waiting for $what; its log:
$(tail -n 5 "$(cat "$work/pid-$p")")"
    done
    [ $SECONDS -lt $deadline ] || die "timed out after ${limit}s waiting for $what (BENCH_KEEP=1 keeps the logs)"
    sleep 0.05
  done
}
now() { date +%s.%N; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }   # utime + stime
calc() { python3 -c "print($1)"; }
fmt() { python3 -c "print(f'{$1:$2}')"; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# --- the machine
echo "swiftserve loopback benchmark: one file of $size_mib MiB, seed -> peer, and nginx + curl"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
     "$(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
echo "         $(java -version 2>&1 | head -1), $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "         temp dir on $(df -T "$work" | awk 'NR==2 {print $2}') ($(df -h "$work" | awk 'NR==2 {print $1}')), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

src="$work/bench-$size_mib.bin"
head -c "$bytes" /dev/urandom >"$src"
sum_src=$(sha256sum "$src" | cut -d' ' -f1)

# --- swiftserve: seed and peer
seed="$work/seed" peer="$work/peer"
"$ss" init --data "$seed" --network bench >/dev/null
started=""
start_daemon() {   # start_daemon DIR PORT [ARGS...]; its PID in $started (the launcher execs java)
  local d=$1 port=$2 node; shift 2
  node=$(basename "$d")
  SWIFTSERVE_JAVA_OPTS="${SWIFTSERVE_JAVA_OPTS:-} ${BENCH_DAEMON_JAVA_OPTS//\{node\}/$node}" \
    "$ss" run --data "$d" --port "$port" --host 127.0.0.1 --status-port -1 --transport "$transport" "$@" >"$d.log" 2>&1 &
  started=$!
  pids+=("$started")
  watched+=("$started")
  echo "$d.log" >"$work/pid-$started"
}
start_daemon "$seed" "$seed_port"
seed_pid=$started
wait_for "the seed to start (see $seed.log)" "$ss" status --data "$seed"
token=$("$ss" invite --data "$seed" --ttl 10m | grep -o 'ssinv2\.[^[:space:]]*' | head -n 1 || true)
[ -n "$token" ] || die "invite printed no token"
mkdir -p "$peer"
start_daemon "$peer" "$peer_port" --join "$token"
peer_pid=$started
two_members() {
  "$ss" status --data "$1" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s["members"] == 2 and s["peersConnected"] >= 1 else 1)'
}
wait_for "the peer to join (see $peer.log)" "$ss" status --data "$peer"
wait_for "seed and peer to connect" two_members "$seed"
wait_for "seed and peer to connect" two_members "$peer"
echo "transport: $("$ss" status --data "$seed" --json | json_field '.get("transport", "?")')"
# the daemons' own start-up warm-up (two throwaway nodes in each JVM) is over before anything is timed
warmed_up() { grep -q -e 'warmed up the transfer path' -e 'transfer warm-up skipped' "$1"; }
if "$ss" run --help 2>/dev/null | grep -q -- --no-warmup; then
  wait_for "the seed's start-up warm-up (see $seed.log)" warmed_up "$seed.log"
  wait_for "the peer's start-up warm-up (see $peer.log)" warmed_up "$peer.log"
fi
# warm-up: a long-running service has its JIT warm (C2 compiles the chunk path only after a few
# thousand chunks); move a file first, the way nginx answers a first request below before it is timed
if [ "$warmup_mib" -gt 0 ]; then
  head -c $((warmup_mib * 1048576)) /dev/urandom >"$work/warmup.bin"
  "$ss" add --data "$seed" "$work/warmup.bin" --as warmup.bin >/dev/null
  wait_for "the peer to hold warmup.bin (see $peer.log)" test -f "$peer/files/warmup.bin"
  rm -f "$work/warmup.bin"
fi
# both JVMs are idle now; what they burn from here on is the benchmark's
sleep 2

# The watcher marks, with the CPU ticks of both daemons at each mark:
#   seen = the peer's ledger lists the file (block sealed and received: the transfer can start);
#   done = peer/files/bench.bin exists (renamed into place only once every chunk is verified).
# It polls the peer's admin API (GET /v1/files, every 20 ms) only until "seen", then just the file
# system (every 5 ms), so the transfer itself runs undisturbed.
cat >"$work/watch.py" <<'EOF'
import json, os, sys, time, urllib.request
peer, seed_pid, peer_pid, limit, out = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
def ticks(pid):
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])      # utime + stime
def check(what):
    for pid in (seed_pid, peer_pid):
        if not os.path.exists("/proc/%s" % pid):
            sys.exit("a daemon (pid %s) exited while waiting for %s" % (pid, what))
    if time.time() > deadline:
        sys.exit("timed out waiting for %s" % what)
def threads(pid):      # thread name -> utime + stime, summed over threads of the same name
    out = {}
    for tid in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/stat" % (pid, tid)) as f:
                head, rest = f.read().rsplit(")", 1)
        except OSError:
            continue
        name = head.split("(", 1)[1]
        fields = rest.split()
        out[name] = out.get(name, 0) + int(fields[11]) + int(fields[12])
    return out
per_thread = {}
def mark(name):
    per_thread[name] = {"seed": threads(seed_pid), "peer": threads(peer_pid)}
    return "%s %.6f %d %d\n" % (name, time.time(), ticks(seed_pid), ticks(peer_pid))
deadline = time.time() + limit
lines = [mark("start")]
port = open(os.path.join(peer, "admin.port")).read().strip()
token = open(os.path.join(peer, "admin.token")).read().strip()
req = urllib.request.Request("http://127.0.0.1:%s/v1/files" % port, headers={"Authorization": "Bearer " + token})
target = os.path.join(peer, "files", "bench.bin")
while True:
    with urllib.request.urlopen(req, timeout=10) as r:
        if any(f["path"] == "bench.bin" for f in json.load(r)["files"]):
            break
    check("the peer to list bench.bin")
    time.sleep(0.02)
lines.append(mark("seen"))
while not os.path.exists(target):
    check("the peer to hold bench.bin")
    time.sleep(0.005)
lines.append(mark("done"))
open(out, "w").write("".join(lines))
# where the CPU of the transfer went: the busiest threads of each daemon between "seen" and "done"
hz = os.sysconf("SC_CLK_TCK")
with open(out + ".threads", "w") as f:
    for node in ("seed", "peer"):
        a, b = per_thread["seen"][node], per_thread["done"][node]
        d = sorted(((b[n] - a.get(n, 0), n) for n in b), reverse=True)
        f.write("%s: %s\n" % (node, ", ".join("%s %.2fs" % (n, t / hz) for t, n in d[:6] if t > 0)))
EOF
python3 "$work/watch.py" "$peer" "$seed_pid" "$peer_pid" "$limit" "$work/marks" 2>"$work/watch.err" &
watch_pid=$!
pids+=("$watch_pid")
sleep 0.2   # the watcher is up and has taken its "start" mark
t0=$(now)
TIMEFORMAT='%3R %3U %3S'
{ time "$ss" add --data "$seed" "$src" --as bench.bin --json >"$work/add.json" 2>"$work/add.err"; } 2>"$work/add.time" \
  || die "add failed: $(cat "$work/add.err")"
t1=$(now)
wait "$watch_pid" || die "$(tail -n 1 "$work/watch.err") (limit ${limit}s; see $peer.log and $seed.log, BENCH_KEEP=1 keeps them)"
read -r _ _ seed_c0 peer_c0 < <(grep '^start ' "$work/marks")
read -r _ t_seen seed_c1 peer_c1 < <(grep '^seen ' "$work/marks")
read -r _ t2 seed_c2 peer_c2 < <(grep '^done ' "$work/marks")

peer_state=$("$ss" ls --data "$peer" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
files = d["files"] if isinstance(d, dict) else d
print(next(f["state"] for f in files if f["path"] == "bench.bin"))')
[ "$peer_state" = complete ] || die "peer reports bench.bin as '$peer_state', not complete"
sum_peer=$(sha256sum "$peer/files/bench.bin" | cut -d' ' -f1)
[ "$sum_peer" = "$sum_src" ] || die "the peer's copy has SHA-256 $sum_peer, the source $sum_src"
chunks=$(json_field '["chunks"]' <"$work/add.json" 2>/dev/null || echo "?")
chunk_kib=$(( $(json_field '["chunkSize"]' <"$work/add.json" 2>/dev/null || echo 0) / 1024 ))
read -r add_cli_wall add_cli_user add_cli_sys <"$work/add.time"

# --- nginx (sendfile) + curl, same bytes, same machine
www="$work/www"
mkdir -p "$www" "$work/nginx"
ln "$src" "$www/bench.bin" 2>/dev/null || cp "$src" "$www/bench.bin"
chmod 644 "$www/bench.bin"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    sendfile_max_chunk 0;
    tcp_nopush on;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    types { application/octet-stream bin; }
    server {
        listen 127.0.0.1:$nginx_port;
        root $www;
    }
}
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" >"$work/nginx/out.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
watched+=("$nginx_pid")
echo "$work/nginx/error.log" >"$work/pid-$nginx_pid"
wait_for "nginx to answer on port $nginx_port (see $work/nginx/error.log)" \
  curl -sf -o /dev/null -r 0-0 "http://127.0.0.1:$nginx_port/bench.bin"
nginx_c0=$(cpu_ticks "$nginx_pid")
{ time curl -sf --max-time "$limit" -o "$work/curl.bin" -w '%{time_total}\n' "http://127.0.0.1:$nginx_port/bench.bin" \
    >"$work/curl.out"; } 2>"$work/curl.time" || die "curl failed"
nginx_c1=$(cpu_ticks "$nginx_pid")
read -r curl_wall curl_user curl_sys <"$work/curl.time"
# swiftserve makes its copy durable (fsync) before it counts as held; curl does not: time that too
{ time sync "$work/curl.bin"; } 2>"$work/sync.time" || die "sync failed"
read -r sync_wall sync_user sync_sys <"$work/sync.time"
sum_curl=$(sha256sum "$work/curl.bin" | cut -d' ' -f1)
[ "$sum_curl" = "$sum_src" ] || die "curl's copy has SHA-256 $sum_curl, the source $sum_src"

# --- report
gib=$(calc "$bytes / 2**30")
mbs() { fmt "$bytes / 1e6 / ($1)" ".0f"; }
add_s=$(calc "$t_seen - $t0") xfer_s=$(calc "$t2 - $t_seen") total_s=$(calc "$t2 - $t0")
cpu_per_gib() { fmt "($1) / $tck / $gib" ".2f"; }
echo
echo "file: $size_mib MiB ($bytes bytes), $chunks chunks of $chunk_kib KiB; SHA-256 of both copies checked;" \
     "daemons warmed up by a $warmup_mib MiB file"
echo "MB/s = 10^6 bytes per second; CPU = user+system seconds per GiB of the file"
printf '%-46s %8s %8s  %s\n' "" "seconds" "MB/s" "CPU s/GiB"
printf '%-46s %8.2f %8s  %s\n' "swiftserve add -> the peer knows the file" "$add_s" "$(mbs "$add_s")" \
  "seed $(cpu_per_gib "$seed_c1 - $seed_c0")"
printf '%-46s %8.2f %8s  %s\n' "swiftserve transfer -> peer holds verified copy" "$xfer_s" "$(mbs "$xfer_s")" \
  "seed $(cpu_per_gib "$seed_c2 - $seed_c1"), peer $(cpu_per_gib "$peer_c2 - $peer_c1")"
printf '%-46s %8.2f %8s  %s\n' "swiftserve total (add + transfer)" "$total_s" "$(mbs "$total_s")" \
  "seed $(cpu_per_gib "$seed_c2 - $seed_c0"), peer $(cpu_per_gib "$peer_c2 - $peer_c0")"
printf '%-46s %8s %8s  %s\n' "  (the add command itself returned after)" "$(fmt "$t1 - $t0" .2f)" "" \
  "add CLI $(fmt "($add_cli_user + $add_cli_sys) / $gib" .2f)"
printf '%-46s %8.2f %8s  %s\n' "nginx sendfile -> curl -o FILE" "$curl_wall" "$(mbs "$curl_wall")" \
  "nginx $(cpu_per_gib "$nginx_c1 - $nginx_c0"), curl $(fmt "($curl_user + $curl_sys) / $gib" .2f)"
curl_sync=$(calc "$curl_wall + $sync_wall")
# CPU seconds of the reference; the fsync's writeback runs in the caller's context, so the sync's CPU
# is the part of curl's copy that swiftserve's figure holds too
ref_cpu="($nginx_c1 - $nginx_c0) / $tck + $curl_user + $curl_sys"
ref_sync_cpu="$ref_cpu + $sync_user + $sync_sys"
printf '%-46s %8.2f %8s  %s\n' "nginx -> curl, then fsync of curl's copy" "$curl_sync" "$(mbs "$curl_sync")" \
  "nginx + curl + sync $(fmt "($ref_sync_cpu) / $gib" .2f)"
sed 's/^/busiest threads in the transfer, /' "$work/marks.threads"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine skews every number above)"
echo "ratio swiftserve / nginx: transfer time $(fmt "$xfer_s / $curl_wall" .2f)x (MB/s $(fmt "$curl_wall / $xfer_s" .2f)x);" \
     "add + transfer time $(fmt "$total_s / $curl_wall" .2f)x (MB/s $(fmt "$curl_wall / $total_s" .2f)x)"
echo "ratio swiftserve / (nginx + fsync): transfer time $(fmt "$xfer_s / $curl_sync" .2f)x (MB/s $(fmt "$curl_sync / $xfer_s" .2f)x)"
ss_cpu="($seed_c2 - $seed_c1 + $peer_c2 - $peer_c1) / $tck"
echo "ratio swiftserve / nginx, CPU of the transfer (seed + peer): $(fmt "($ss_cpu) / ($ref_cpu)" .2f)x of nginx + curl," \
     "$(fmt "($ss_cpu) / ($ref_sync_cpu)" .2f)x of nginx + curl + sync"
