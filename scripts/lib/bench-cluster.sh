# Sourced by the benchmarks that run daemons on this machine with scripts/cluster.sh:
#   bench_cluster_setup NAME [TOOL...]
# checks java, jq and the TOOLs, builds the jar unless SWIFTSERVE_JAR or node/target/swiftserve.jar
# exists, makes $work (a temp dir) with the cluster in it, and on exit stops the cluster and removes
# $work (kept with BENCH_KEEP=1). Needs $here (scripts/) and $root (the repository) set, and die().
bench_cluster_setup() {
  local name="$1" tool
  shift
  for tool in java jq "$@"; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
  done
  if [ -z "${SWIFTSERVE_JAR:-}" ] && [ ! -f "$root/node/target/swiftserve.jar" ]; then
    echo "$name: building the jar (mvn -B -q -o -DskipTests package) ..." >&2
    (cd "$root" && mvn -B -q -o -DskipTests package) || die "the build failed"
  fi
  work="$(mktemp -d "${TMPDIR:-/tmp}/swiftserve-$name.XXXXXX")"
  export SWIFTSERVE_CLUSTER="$work/cluster"
  bench_name="$name"
  trap bench_cluster_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cluster_cleanup() {
  "$here/cluster.sh" down --purge >/dev/null 2>&1 || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "$bench_name: kept $work" >&2; else rm -rf "$work"; fi
}
