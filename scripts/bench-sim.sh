#!/usr/bin/env bash
# Simulation benchmark: N nodes on a simulated LAN, in virtual time, in one JVM.
#
#   bench-sim.sh N RATE_MBIT SIZE_MIB [--seed S] [--latency-us U] [--degree D] [--settle S] [--framing F]
#
#   N          nodes (2..5000); node 0 founds the network and publishes the file
#   RATE_MBIT  link rate of every node, each direction (e.g. 100 or 1000)
#   SIZE_MIB   size of the file node 0 publishes
#   --seed S   the run's seed (default 1): the same seed gives the same run, event for event
#   --latency-us U  one-way latency between any two nodes (default 100 µs)
#   --degree D the overlay's outbound degree (default 8, as `run --degree`)
#   --settle S seconds of virtual time the fleet runs before the add (default 20)
#   --framing ethernet|tbf  what of a link's rate carries TCP payload: a cable's 1448 of 1538 bytes a
#              segment (default; one copy takes 1.062 x T_min), or bench-lan.sh's tbf links' 1448 of
#              1514 (1.046 x), so that a simulated case reads as the same case on that benchmark
#
# The real chain, gossip, overlay and swarm classes run for every node (io.swiftserve.sim), over a
# simulated switch: every node has one cable of RATE_MBIT in each direction, shared equally by the
# connections that have bytes to move, plus the latency; a message crosses in pieces of up to 64 KiB,
# so a relayed chunk streams through the switch as TCP's packets do. Time is virtual, so a run costs the work
# done, not the time simulated. Chunk payloads are tokens standing for their bytes (checked against
# the manifest's hashes; the wire is charged their full length), so no file data is read or written.
# The fleet's overlay settles for 20 s of virtual time (--settle) before the file is published.
#
# Prints the time from the add to the last node holding a verified copy, T_min (one copy through
# one link: SIZE / RATE, the Kumar-Ross minimum when all links are equal), their ratio, when nodes
# finished (first/median/last), control bytes as a share of data bytes, the most connections any
# node held, how long the file's block took from the first node's chain to the last, and how long
# the receivers' downlinks idled between the add and their copy (down_idle_s, their mean; checked
# every 10 ms): the time the swarm lost beyond the bytes' own; then how busy those downlinks were in
# each quarter second from the add (a run of full ones, 0.995 or more, said once): where that idle
# lies; and how many HaveChunks messages each node sent. The last line is one machine-readable
# summary:
#   sim N=... rate_mbit=... size_mib=... seed=... time_s=... tmin_s=... ratio_tmin=... max_degree=... control_pct=... block_all_s=... down_idle_s=...
# Exit status 0 only if every node ended with a verified copy. Environment: SIM_JAVA_OPTS (default
# sized from N; with -Dswiftserve.sim.trace=true every delivery is printed to stderr, "T nanos from to
# bytes", and every chunk's, "C nanos from to index"), SIM_JAR (default node/target/swiftserve.jar,
# built if missing).
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
die() { echo "bench-sim: $*" >&2; exit 2; }

[ $# -ge 3 ] || { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
n="$1"; rate="$2"; size="$3"
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 5000 ] || die "N must be a number from 2 to 5000, not '$n'"
[[ "$rate" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "RATE_MBIT must be a number, not '$rate'"
[[ "$size" =~ ^[0-9]+$ ]] && [ "$size" -ge 1 ] || die "SIZE_MIB must be a whole number of MiB, not '$size'"

jar="${SIM_JAR:-$root/node/target/swiftserve.jar}"
if [ ! -f "$jar" ]; then
  echo "building $jar ..." >&2
  (cd "$root" && mvn -B -q -DskipTests package) || die "the build failed"
fi
# about 4 MiB of heap per node plus a base, and never less than 1 GiB
heap_mib=$(( 1024 + n * 4 ))
opts="${SIM_JAVA_OPTS:--Xms${heap_mib}m -Xmx${heap_mib}m -XX:+UseParallelGC}"
# shellcheck disable=SC2086  # the options are a word list
exec java $opts -cp "$jar" io.swiftserve.sim.SimMain "$@"
