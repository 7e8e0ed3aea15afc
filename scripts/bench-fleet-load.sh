#!/usr/bin/env bash
# One real daemon under a fleet's load (issue 17, item 7): D members on real TLS connections announce
# and request chunks of F complete files that one daemon, started as its own process, holds.
#
#   scripts/bench-fleet-load.sh [F] [D] [SECONDS]      defaults 10000 64 60
#
# 1. FleetSetup (offline, before the daemon starts) founds a network in a temp dir, puts D member keys
#    on its chain (one join each, through its own invite) and F complete versions of BENCH_FILE_BYTES
#    random bytes (default 16384: one chunk each), sealed 2,000 a block, on disk and recorded as held.
# 2. The daemon starts: java -jar node/target/swiftserve.jar run, --max-peers D + 8 so the
#    overlay's inbound cap admits all D; the script waits for its "started" line (the port opens
#    earlier, while the node still opens its 10,000 versions, and refuses peers until then).
# 3. LoadGen: D peers (8 per loopback source address), each keeping BENCH_WINDOW (default 8) requests
#    in flight: HaveBitmap (holding nothing) and RequestChunk for a random version, HaveChunks when
#    the chunk arrives; BENCH_ACTIVE=A (default: all F) limits the versions to A of the F, the fleet's
#    usual state of many resident versions and few moving, so F's own cost shows apart from the
#    working set of the versions that move. BENCH_WARMUP seconds (default 15), then SECONDS measured: events (HAVEs sent +
#    chunks received) per second, the daemon's CPU (/proc/PID/stat and per thread /proc/PID/task),
#    RSS (VmRSS). The load then goes on for 10 s while jcmd takes a class histogram (a full GC, then
#    the live objects: heap_mib is its total), the committed heap (GC.heap_info) and the tasks queued on the daemon's
#    executors; with -XX:NativeMemoryTracking=summary in BENCH_DAEMON_JAVA_OPTS, its native memory.
#    The generator runs niced (nice 10) on the same machine, so the daemon's threads come first.
#
# Last line: fleetload F=... D=... active=... seconds=... events_per_s=... cpu_us_per_event=... heap_mib=...
# rss_mib=... threads=...  Environment: BENCH_PORT (default 7900), BENCH_KEEP=1 keeps the temp dir,
# BENCH_DAEMON_JAVA_OPTS for the daemon's JVM (e.g. -Xmx256m, or a flight recording).
set -euo pipefail
# measured with the defaults, not this machine's installed settings (/etc/swiftserve/swiftserve.conf)
export SWIFTSERVE_CONFIG=/dev/null
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="$root/node/target/swiftserve.jar"

die() { echo "bench-fleet-load: $*" >&2; exit 1; }
files=${1:-10000} peers=${2:-64} seconds=${3:-60}
for n in "$files" "$peers" "$seconds"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
done
file_bytes="${BENCH_FILE_BYTES:-16384}"
warmup="${BENCH_WARMUP:-15}"
active="${BENCH_ACTIVE:-0}"
window="${BENCH_WINDOW:-8}"
port="${BENCH_PORT:-7900}"
hold=10
command -v java >/dev/null || die "java (17 or newer) is not installed"
command -v jcmd >/dev/null || die "jcmd (the JDK's) is not installed"
# a jar older than the sources would measure another commit than the one printed below
if [ ! -f "$jar" ] || [ -n "$(find "$root/node/src/main" "$root/proto/src/main" "$root/node/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "building $jar"
  (cd "$root" && mvn -B -q -DskipTests package) || die "the build failed"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/fleetload.XXXXXX")"
daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%FT%TZ), F=$files D=$peers"
start=$(date +%s.%N)
java -cp "$jar" io.swiftserve.tools.FleetSetup "$tmp/daemon" "$peers" "$files" "$file_bytes" "$tmp/plan.txt" \
  || die "setting up the data dir failed"
echo "setup: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s wall (chain, $files files on disk)"

# shellcheck disable=SC2086 # options are words
java ${BENCH_DAEMON_JAVA_OPTS:-} -jar "$jar" run --data "$tmp/daemon" --port "$port" --host 127.0.0.1 \
  --max-peers $((peers + 8)) --status-port -1 >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!
started=$(date +%s.%N)
for _ in $(seq 600); do
  grep -q " started: network" "$tmp/daemon.log" && break
  kill -0 "$daemon_pid" 2>/dev/null || { tail -5 "$tmp/daemon.log" >&2; die "the daemon exited"; }
  sleep 0.1
done
grep -q " started: network" "$tmp/daemon.log" || die "the daemon did not start within 60 s"
echo "daemon pid $daemon_pid started after $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s," \
  "CPU $(awk '{printf "%.1f", ($14+$15)/100}' "/proc/$daemon_pid/stat") s so far"

# niced: on a machine shared with the generator, the daemon's single transfer thread otherwise gets
# one share among ~70 runnable threads and its queue grows; the generator then sets the pace
nice -n 10 java -cp "$jar" io.swiftserve.tools.LoadGen "$tmp/plan.txt" 127.0.0.1 "$port" "$peers" "$warmup" "$seconds" "$hold" \
  "$window" "$daemon_pid" "$active" >"$tmp/loadgen.log" 2>&1 &
gen_pid=$!
for _ in $(seq $(((warmup + seconds + 30) * 10))); do
  grep -q "^holding the load" "$tmp/loadgen.log" && break
  kill -0 "$gen_pid" 2>/dev/null || break
  sleep 0.1
done
grep -v "^holding the load" "$tmp/loadgen.log" || true
grep -q "^holding the load" "$tmp/loadgen.log" || die "the load generator stopped before the end of its window"
# the live heap, read while the peers are still connected and loading: the class histogram runs a
# full collection first and counts what survived (GC.heap_info a moment after a GC.run would also
# count what the load allocated in between, tens of MiB at these rates)
jcmd "$daemon_pid" GC.class_histogram >"$tmp/histogram.txt"
heap_kib=$(awk '$1 == "Total" {print int($3 / 1024)}' "$tmp/histogram.txt")
echo "heap: $heap_kib KiB live after a full GC; $(jcmd "$daemon_pid" GC.heap_info | sed -n '2p' | sed 's/^ *//')"
echo "class histogram (top 8 by bytes):"
sed -n '4,11p' "$tmp/histogram.txt"
# tasks queued on the daemon's executors (the transfer thread's backlog of HAVEs, mostly)
echo "queued executor tasks: $(awk '/ScheduledThreadPoolExecutor\$ScheduledFutureTask/ {print $2; found = 1} END {if (!found) print 0}' "$tmp/histogram.txt")"
if [[ "${BENCH_DAEMON_JAVA_OPTS:-}" == *NativeMemoryTracking* ]]; then
  jcmd "$daemon_pid" VM.native_memory summary | grep -E "^(Total|-) " | sed 's/^/native: /'
fi
rss_now=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$daemon_pid/status")
gen_rc=0
wait "$gen_pid" || gen_rc=$?
tail -n +"$(grep -n "^holding the load" "$tmp/loadgen.log" | cut -d: -f1)" "$tmp/loadgen.log" | sed 1d
summary=$(grep "^loadgen " "$tmp/loadgen.log" | tail -1)
[ -n "$summary" ] || die "the load generator printed no summary"
field() { tr ' ' '\n' <<<"$summary" | awk -F= -v k="$1" '$1 == k {print $2}'; }
[ "$gen_rc" = 0 ] || die "the load generator failed (exit $gen_rc): see the lines above"
rss=$(field rss_mib)
[ "$rss_now" -gt "$rss" ] && rss=$rss_now
echo "fleetload F=$files D=$peers active=${active/#0/$files} seconds=$(field seconds) events_per_s=$(field events_per_s)" \
  "cpu_us_per_event=$(field cpu_us_per_event) heap_mib=$((heap_kib / 1024)) rss_mib=$rss threads=$(field threads)"
