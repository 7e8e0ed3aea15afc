#!/usr/bin/env bash
# What a watched folder costs at rest: the daemon walks it every half debounce (0.5 s to 10 s),
# reading names, sizes, mtimes and modes, no byte. This times that walk (the daemon's own TreeWalk,
# JIT warmed up) on a generated tree of FILES small files in directories of 100, against
# `find -printf` of the same attributes in the same run, and prints the share of a core it takes.
#
#   scripts/bench-watch-scan.sh [FILES]      (default 10000)
#
# Needs the built jar (node/target/swiftserve.jar: mvn -B -q -DskipTests package). The tree lives
# in a temp dir removed on exit.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
files="${1:-10000}"
jar="$repo/node/target/swiftserve.jar"
die() { echo "bench-watch-scan: $*" >&2; exit 1; }
[[ "$files" =~ ^[1-9][0-9]*$ ]] || die "FILES must be a positive number, not '$files'"
[ -f "$jar" ] || die "$jar is missing: build it with mvn -B -q -DskipTests package"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "bench-watch-scan: $(date -u +%Y-%m-%dT%H:%MZ), $files files, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < files; i++)); do
  d="$tmp/tree/d$((i / 100))"
  [ $((i % 100)) -eq 0 ] && mkdir -p "$d"
  head -c $(( (i * 7919) % 4096 + 1 )) /dev/zero > "$d/f$i.bin"
done
java -cp "$jar" "$repo/scripts/bench/WatchScan.java" "$tmp/tree"
