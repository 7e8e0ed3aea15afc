#!/usr/bin/env bash
# A member joining an old network (issue 17): how long until it serves, when the chain holds
# PATHS x VERSIONS file versions.
#
#   scripts/bench-join.sh [PATHS] [VERSIONS]      defaults 10000 10 (100,000 versions on the chain)
#
# 1. FleetSetup (offline) founds a network in a temp dir and seals PATHS paths published VERSIONS times
#    each, 2,000 FileAdds a block; the last version of each (BENCH_FILE_BYTES random bytes, default
#    4096) is on the founder's disk and recorded as held.
# 2. The founder's daemon starts (its own process); 'swiftserve invite' makes a token.
# 3. The joiner's daemon starts with --join: the time to its "started" line is the time to serve (the
#    chain downloaded and verified, the state built, the node accepting members), then the time until
#    it holds every current version (status --json: transfer.filesComplete), each with the joiner's
#    CPU seconds (user + system) at that moment.
#
# Last line: benchjoin paths=... versions=... chain_blocks=... serving_s=... serving_cpu_s=...
# all_files_s=... all_files_cpu_s=...   Environment: BENCH_PORT (default 7950, the joiner the next),
# BENCH_KEEP=1 keeps the temp dir, BENCH_TIMEOUT (default 600 s) bounds each wait, SWIFTSERVE_JAR the
# daemons' jar and SETUP_JAR the one that writes the founder's data dir (default the same: an older
# build to compare with may lack FleetSetup's VERSIONS), BENCH_JOINER_JAVA_OPTS the joiner's JVM options
# (e.g. a flight recording).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="${SWIFTSERVE_JAR:-$root/node/target/swiftserve.jar}"
die() { echo "bench-join: $*" >&2; exit 1; }
paths=${1:-10000} versions=${2:-10}
for n in "$paths" "$versions"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
done
file_bytes="${BENCH_FILE_BYTES:-4096}"
port="${BENCH_PORT:-7950}"
limit="${BENCH_TIMEOUT:-600}"
command -v java >/dev/null || die "java (17 or newer) is not installed"
command -v jq >/dev/null || die "jq is not installed"
if [ -z "${SWIFTSERVE_JAR:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find "$root/node/src/main" "$root/proto/src/main" -newer "$jar" -print -quit)" ]; }; then
  echo "building $jar"
  (cd "$root" && mvn -B -q -DskipTests package) || die "the build failed"
fi
ss() { java -jar "$jar" "$@"; }
# the daemons run with their defaults, not this machine's installed settings
export SWIFTSERVE_CONFIG=/dev/null

tmp="$(mktemp -d "${TMPDIR:-/tmp}/benchjoin.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN{printf "%.2f", e-s}'; }
cpu_of() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; }
await_line() { # LOG PID: until the daemon logs that it started
  local i
  for i in $(seq $((limit * 10))); do
    grep -q " started: network" "$1" && return 0
    kill -0 "$2" 2>/dev/null || { tail -5 "$1" >&2; die "a daemon exited"; }
    sleep 0.1
  done
  die "no 'started' line in $1 within $limit s"
}

echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%FT%TZ), paths=$paths versions=$versions"
t=$(now)
java -cp "${SETUP_JAR:-$jar}" io.swiftserve.tools.FleetSetup "$tmp/founder" 0 "$paths" "$file_bytes" "$tmp/plan.txt" "$versions" \
  || die "setting up the founder's data dir failed"
echo "setup: $(since "$t") s"
java -jar "$jar" run --data "$tmp/founder" --port "$port" --host 127.0.0.1 --status-port -1 >"$tmp/founder.log" 2>&1 &
pids+=($!)
t=$(now)
await_line "$tmp/founder.log" "${pids[0]}"
height=$(ss status --data "$tmp/founder" --json | jq .height)
echo "founder started in $(since "$t") s, chain height $height"
token=$(ss invite --data "$tmp/founder" --ttl 1h)

t=$(now)
# shellcheck disable=SC2086 # options are words
java ${BENCH_JOINER_JAVA_OPTS:-} -jar "$jar" run --data "$tmp/joiner" --port $((port + 1)) --host 127.0.0.1 --status-port -1 --join "$token" \
  >"$tmp/joiner.log" 2>&1 &
joiner=$!
pids+=("$joiner")
await_line "$tmp/joiner.log" "$joiner"
serving_s=$(since "$t") serving_cpu=$(cpu_of "$joiner")
echo "joiner serving after $serving_s s, $serving_cpu CPU-s"
complete=0
for _ in $(seq "$limit"); do
  complete=$(ss status --data "$tmp/joiner" --json 2>/dev/null | jq '.transfer.filesComplete' || echo 0)
  [ "$complete" -ge "$paths" ] && break
  sleep 1
done
[ "$complete" -ge "$paths" ] || die "the joiner holds $complete of $paths files after $limit s"
all_s=$(since "$t") all_cpu=$(cpu_of "$joiner")
echo "joiner holds all $paths current versions after $all_s s, $all_cpu CPU-s"
echo "benchjoin paths=$paths versions=$versions chain_blocks=$height serving_s=$serving_s serving_cpu_s=$serving_cpu" \
  "all_files_s=$all_s all_files_cpu_s=$all_cpu"
