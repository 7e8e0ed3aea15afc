#!/usr/bin/env bash
# Local swiftserve clusters on loopback: one process and data dir per node under one cluster dir.
#
#   cluster.sh up N [--base-port P]   start N nodes; node 1 founds the network, the rest join it
#   cluster.sh status                 one line per node: id, height, peers, files complete
#   cluster.sh add FILE [--on I] [--as PATH] [--wait]
#   cluster.sh kill I                 SIGKILL node I (fault drills)
#   cluster.sh start I                start node I again
#   cluster.sh down                   stop every node this cluster started (by PID)
#
# The cluster lives in $SWIFTSERVE_CLUSTER (default ./cluster). Every wait has a time limit.
# SWIFTSERVE_FETCH_ALLOW=CIDR[,CIDR] is passed to every node as --fetch-allow (e.g. a local test origin).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ss="$here/swiftserve"
dir="${SWIFTSERVE_CLUSTER:-$PWD/cluster}"
wait_s="${SWIFTSERVE_WAIT:-60}"

die() { echo "cluster: $*" >&2; exit 1; }
usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
node_dir() { echo "$dir/node$1"; }
pid_of() { cat "$(node_dir "$1")/pid" 2>/dev/null || true; }
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
count() { ls -d "$dir"/node* 2>/dev/null | wc -l; }
port_of() { cat "$(node_dir "$1")/peer.port"; }

# wait_for SECONDS WHAT COMMAND...: retry COMMAND until it succeeds, or fail naming WHAT
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}

start_node() {
  local i=$1 d; d=$(node_dir "$i")
  alive "$i" && die "node $i is already running (pid $(pid_of "$i"))"
  local args=(run --data "$d" --port "$(port_of "$i")" --host 127.0.0.1)
  # the token file, not the token: a command line is visible to every user in ps
  if [ ! -d "$d/db" ] && [ -f "$d/join.token" ]; then args+=(--join-file "$d/join.token"); fi
  if [ -n "${SWIFTSERVE_FETCH_ALLOW:-}" ]; then args+=(--fetch-allow "$SWIFTSERVE_FETCH_ALLOW"); fi
  rm -f "$d/admin.port"
  nohup "$ss" "${args[@]}" >>"$d/log" 2>&1 &
  echo $! >"$d/pid"
  wait_for "$wait_s" "node $i to start (see $d/log)" "$ss" status --data "$d"
  rm -f "$d/join.token"
}

cmd_up() {
  local n="" base=7000
  while [ $# -gt 0 ]; do
    case "$1" in
      --base-port) base="${2:?--base-port needs a value}"; shift 2 ;;
      -*) die "unknown option $1" ;;
      *) n="$1"; shift ;;
    esac
  done
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "usage: cluster.sh up N [--base-port P]"
  [[ "$base" =~ ^[0-9]+$ ]] || die "--base-port must be a number"
  [ "$(count)" -eq 0 ] || die "$dir already holds a cluster; run 'cluster.sh down' first"
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    mkdir -p "$(node_dir "$i")"
    echo $((base + i - 1)) >"$(node_dir "$i")/peer.port"
  done
  "$ss" init --data "$(node_dir 1)" --network "cluster-$$" >/dev/null
  start_node 1
  echo "node 1 founded the network on port $(port_of 1)"
  for i in $(seq 2 "$n"); do
    (umask 077 && "$ss" invite --data "$(node_dir 1)" --ttl 10m >"$(node_dir "$i")/join.token")
    start_node "$i"
    echo "node $i joined on port $(port_of "$i")"
  done
  wait_for "$wait_s" "all $n nodes to see $n members" all_members "$n"
  cmd_status
}

all_members() {
  local n=$1 i
  for i in $(seq 1 "$n"); do
    "$ss" status --data "$(node_dir "$i")" --json | grep -q "\"members\" : $n," || return 1
  done
}

cmd_status() {
  [ "$(count)" -gt 0 ] || die "no cluster in $dir"
  printf '%-5s %-7s %-14s %-7s %-6s %-16s %s\n' NODE PID ID HEIGHT PEERS FILES "STATUS PAGE"
  for i in $(seq 1 "$(count)"); do
    local d; d=$(node_dir "$i")
    if ! alive "$i"; then
      printf '%-5s %-7s %s\n' "$i" "-" "stopped"
      continue
    fi
    "$ss" status --data "$d" --json 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)
files = s.get("files", [])
done = sum(1 for f in files if f["state"] == "complete")
print("%-5s %-7s %-14s %-7s %-6s %-16s %s" % (sys.argv[1], sys.argv[2], s["nodeId"][:12], s["height"],
      s["peersConnected"], "%d/%d complete" % (done, len(files)), s.get("statusUrl", "")))' "$i" "$(pid_of "$i")" || printf '%-5s %-7s %s\n' "$i" "$(pid_of "$i")" "not answering"
  done
}

cmd_add() {
  local file="" on=1 extra=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --on) on="${2:?--on needs a node number}"; shift 2 ;;
      --as) extra+=(--as "${2:?--as needs a path}"); shift 2 ;;
      --wait) extra+=(--wait); shift ;;
      -*) die "unknown option $1" ;;
      *) file="$1"; shift ;;
    esac
  done
  [ -n "$file" ] || die "usage: cluster.sh add FILE [--on I] [--as PATH] [--wait]"
  [ -d "$(node_dir "$on")" ] || die "no node $on"
  "$ss" add --data "$(node_dir "$on")" "$file" "${extra[@]}"
}

cmd_kill() {
  local i="${1:?usage: cluster.sh kill I}"
  alive "$i" || die "node $i is not running"
  kill -9 "$(pid_of "$i")"
  echo "node $i killed (SIGKILL)"
}

cmd_start() {
  local i="${1:?usage: cluster.sh start I}"
  [ -d "$(node_dir "$i")" ] || die "no node $i"
  start_node "$i"
  echo "node $i started"
}

cmd_down() {
  [ "$(count)" -gt 0 ] || { echo "no cluster in $dir"; return 0; }
  for i in $(seq 1 "$(count)"); do
    if alive "$i"; then kill "$(pid_of "$i")"; fi
  done
  for i in $(seq 1 "$(count)"); do
    local deadline=$((SECONDS + 15))
    while alive "$i"; do
      if [ $SECONDS -ge $deadline ]; then kill -9 "$(pid_of "$i")" 2>/dev/null || true; break; fi
      sleep 0.1
    done
  done
  rm -rf "$dir"
  echo "cluster stopped and removed"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  status) cmd_status ;;
  add) shift; cmd_add "$@" ;;
  kill) shift; cmd_kill "$@" ;;
  start) shift; cmd_start "$@" ;;
  down) cmd_down ;;
  -h|--help|help|"") usage ;;
  *) die "unknown command '$1' (try --help)" ;;
esac
