#!/usr/bin/env bash
# Collaborative-download benchmark: `swiftserve fetch` of one URL from an origin that limits every TCP
# connection to RATE_MIB MiB/s (as per-connection shapers and many CDNs do), by the requester alone
# and with 1, 2, 4 and 8 helpers; prints the speedup over one connection next to the ideal.
#
#   scripts/bench-fetch.sh [SIZE_MIB] [RATE_MIB]       default: 64 MiB at 4 MiB/s per connection
#
# The origin is a small python3 HTTP/1.1 server started here (Range support, keep-alive, a token
# pace per connection). The cluster is scripts/cluster.sh with 1 + max(helpers) daemons on loopback.
# "helpers N" = N other members download besides the requester, so the ideal speedup is N + 1.
# "fetch s" is the daemon's own time for probe + download + SHA-256 check + publish; "cli s" is the
# whole command (JVM start and polling included). Between runs the script waits until every member
# holds the previous file, so replication traffic does not compete with the next fetch.
#
# Environment: BENCH_HELPERS (default "1 2 4 8"), BENCH_BASE_PORT (default 7800: nodes 7800..,
# origin = base + 99), BENCH_TIMEOUT seconds per fetch (default 600), BENCH_KEEP=1 keeps the temp
# dir, SWIFTSERVE_JAVA_OPTS for the JVMs (default -Xmx384m).
set -euo pipefail
# measured with the defaults, not this machine's installed settings (/etc/swiftserve/swiftserve.conf)
export SWIFTSERVE_CONFIG=/dev/null
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ss="$here/swiftserve"

die() { echo "bench-fetch: $*" >&2; exit 1; }
usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -le 2 ] || usage
size_mib="${1:-64}"
rate_mib="${2:-4}"
[[ "$size_mib" =~ ^[0-9]+$ ]] && [ "$size_mib" -ge 1 ] || usage
[[ "$rate_mib" =~ ^[0-9]+$ ]] && [ "$rate_mib" -ge 1 ] || usage
helpers_list="${BENCH_HELPERS:-1 2 4 8}"
base="${BENCH_BASE_PORT:-7800}"
limit="${BENCH_TIMEOUT:-600}"
export SWIFTSERVE_JAVA_OPTS="${SWIFTSERVE_JAVA_OPTS:--Xmx384m}"
max=0
for n in $helpers_list; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "BENCH_HELPERS must list numbers, not '$n'"
  [ "$n" -gt "$max" ] && max=$n
done

command -v java >/dev/null || die "java (17+) is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
"$ss" --version >/dev/null 2>&1 || die "the swiftserve jar is not built: mvn -B -q -DskipTests package"

work="$(mktemp -d "${TMPDIR:-/tmp}/swiftserve-bench-fetch.XXXXXX")"
export SWIFTSERVE_CLUSTER="$work/cluster"
origin_pid=""
cleanup() {
  "$here/cluster.sh" down >/dev/null 2>&1 || true
  if [ -n "$origin_pid" ]; then
    kill "$origin_pid" 2>/dev/null || true
    wait "$origin_pid" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench-fetch: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the origin: Range, keep-alive, at most RATE bytes/s per connection (a 50 ms token bucket)
cat >"$work/origin.py" <<'PY'
import http.server, os, re, sys, threading, time
path, port, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = os.path.getsize(path)
RANGE = re.compile(r"bytes=(\d+)-(\d*)$")

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.next_free = time.monotonic()   # one pace per TCP connection

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path != "/file.bin":
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        start, end, status = 0, size - 1, 200
        m = RANGE.match(self.headers.get("Range", "").strip())
        if m:
            start = int(m.group(1)); end = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
            if start >= size:
                self.send_response(416); self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0"); self.end_headers(); return
            status = 206
        self.send_response(status)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        with open(path, "rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0:
                n = min(65536, left)
                data = f.read(n)
                now = time.monotonic()
                begin = self.next_free if now - self.next_free < 0.05 else now
                self.next_free = begin + n / rate
                if self.next_free > now:
                    time.sleep(self.next_free - now)
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return
                left -= n

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

Server(("127.0.0.1", port), Handler).serve_forever()
PY

echo "bench-fetch: writing a ${size_mib} MiB random file ..." >&2
python3 - "$work/file.bin" "$size_mib" <<'PY'
import os, sys
with open(sys.argv[1], "wb") as f:
    for _ in range(int(sys.argv[2])):
        f.write(os.urandom(1 << 20))
PY
sha=$(sha256sum "$work/file.bin" | cut -d' ' -f1)
origin_port=$((base + 99))
python3 "$work/origin.py" "$work/file.bin" "$origin_port" $((rate_mib * 1048576)) >"$work/origin.log" 2>&1 &
origin_pid=$!
url="http://127.0.0.1:$origin_port/file.bin"
deadline=$((SECONDS + 30))
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $origin_port), 1)" 2>/dev/null; do
  kill -0 "$origin_pid" 2>/dev/null || die "the origin did not start (see $work/origin.log)"
  [ $SECONDS -lt $deadline ] || die "the origin did not answer within 30 s"
  sleep 0.2
done

nodes=$((max + 1))
echo "bench-fetch: starting $nodes nodes on ports $base.. (scripts/cluster.sh) ..." >&2
# helpers refuse loopback origins unless allowed: allow exactly this one, as an operator would a LAN mirror
SWIFTSERVE_FETCH_ALLOW=127.0.0.1/32 "$here/cluster.sh" up "$nodes" --base-port "$base" >"$work/cluster-up.log" 2>&1 || { cat "$work/cluster-up.log" >&2; die "cluster start failed"; }
requester="$SWIFTSERVE_CLUSTER/node1"

single=$(python3 -c "print($size_mib / $rate_mib)")
printf '\nswiftserve fetch of %d MiB; the origin allows %d MiB/s per connection, so one connection needs %.1f s\n\n' \
  "$size_mib" "$rate_mib" "$single"
printf '%-8s %-12s %8s %7s %8s %9s %6s %11s  %s\n' helpers downloaders "fetch s" "cli s" "MiB/s" speedup ideal efficiency \
  "chunks per member"
# every member holds PATH (as node 1 sees it), within $limit seconds
replicated() {
  "$ss" ls --data "$requester" --json | python3 -c '
import json, sys
files = [f for f in json.load(sys.stdin)["files"] if f["path"] == sys.argv[1]]
sys.exit(0 if files and all(n["complete"] for n in files[0]["nodes"]) else 1)' "$1"
}
run() {
  local n=$1 out t0 t1
  out="$work/fetch-$n.json"
  t0=$(date +%s.%N)
  if ! timeout "$limit" "$ss" fetch --data "$requester" "$url" --as "bench/fetch-h$n.bin" --helpers "$n" --sha256 "$sha" --json \
      >"$out" 2>"$work/fetch-$n.err"; then
    die "fetch with $n helpers failed: $(cat "$work/fetch-$n.err")"
  fi
  t1=$(date +%s.%N)
  python3 - "$out" "$n" "$t0" "$t1" "$size_mib" "$single" <<'PY'
import json, sys
status = json.load(open(sys.argv[1]))
n, t0, t1, size, single = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
cli = t1 - t0
t = status["seconds"] + status["publishSeconds"]
active = sum(1 for h in status["helpers"] if h["chunks"] > 0)
speedup, ideal = single / t, n + 1
per = " ".join(("self" if h["self"] else h["node"][:8]) + "=" + str(h["chunks"]) for h in status["helpers"])
print("%-8d %-12d %8.2f %7.2f %8.1f %8.2fx %5dx %10.0f%%  %s" % (n, active, t, cli, size / t, speedup, ideal, 100 * speedup / ideal, per))
PY
  local deadline=$((SECONDS + limit))
  until replicated "bench/fetch-h$n.bin"; do
    [ $SECONDS -lt $deadline ] || die "bench/fetch-h$n.bin did not reach every member within ${limit}s"
    sleep 0.5
  done
}
for n in $helpers_list; do
  run "$n"
done
echo
echo "speedup = one connection's time / fetch s; ideal = 1 + helpers connections, each at the full per-connection rate"
