#!/usr/bin/env bash
# JMH micro-benchmarks, each next to a reference measured in the same run:
#   - the chunk receive path (FileHasher.matches + PartialFile.writeChunk of a 256 KiB direct
#     buffer) in MB/s, against a raw SHA-256 MessageDigest over the same buffer;
#   - block import (Blockchain.importBlock, in-memory store, 1 and 64 Ed25519-signed transactions
#     per block) in blocks/s and tx/s, against raw Ed25519 verifies/s of one such transaction.
#
#   scripts/bench-jmh.sh [JMH ARGS...]     e.g. scripts/bench-jmh.sh Chunk   (a benchmark regex)
#
# Builds node/target/benchmarks.jar with the Maven profile "bench" (not part of `mvn verify`), runs
# it with 1 fork, 3 warmup and 5 measured iterations of 2 s (about 2 minutes for all six), prints
# JMH's table, then the figures as MB/s, blocks/s, tx/s and ratios. The partial file of the receive
# benchmark lives in a temp dir removed on exit.
# Environment: BENCH_JMH_OPTS replaces the run settings above (JMH refuses an option given twice),
# BENCH_JMH_SKIP_BUILD=1 reuses the jar already built, BENCH_JMH_RESULT=FILE keeps JMH's JSON.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="$repo/node/target/benchmarks.jar"
opts="${BENCH_JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s}"

die() { echo "bench-jmh: $*" >&2; exit 1; }
command -v java >/dev/null || die "java (17+) is not installed"

if [ "${BENCH_JMH_SKIP_BUILD:-0}" != 1 ]; then
  command -v mvn >/dev/null || die "mvn is not installed (or set BENCH_JMH_SKIP_BUILD=1 with a built $jar)"
  echo "building $jar (mvn -B -q -Pbench -pl node -am -DskipTests package) ..."
  # -am: node must see the proto module of this tree, not a stale one from ~/.m2
  (cd "$repo" && mvn -B -q -Dstyle.color=never -Pbench -pl node -am -DskipTests package) || die "the build failed"
fi
[ -f "$jar" ] || die "$jar is missing; build it without BENCH_JMH_SKIP_BUILD"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
result="${BENCH_JMH_RESULT:-$tmp/result.json}"

echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)"
echo "         $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
start=$(date +%s)
# shellcheck disable=SC2086 # the settings are words on purpose
java -jar "$jar" $opts -jvmArgsAppend "-Djava.io.tmpdir=$tmp" -rf json -rff "$result" "$@"
echo
java -cp "$jar" io.swiftserve.bench.Summary "$result"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(($(date +%s) - start)) s of benchmarks"
