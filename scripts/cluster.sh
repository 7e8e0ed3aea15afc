#!/usr/bin/env bash
# Local swiftserve clusters on loopback: one process and data dir per node under one cluster dir.
#
#   cluster.sh up N [--base-port P] [--status-base-port P]
#                                     start N nodes; node 1 founds the network, the rest join it
#   cluster.sh status                 one line per node: id, height, peers, files complete
#   cluster.sh add FILE [--on I] [--as PATH] [--wait]
#   cluster.sh stop I                 SIGTERM node I and wait for it to exit (SWIFTSERVE_STOP_WAIT s, default 30)
#   cluster.sh kill I                 SIGKILL node I (fault drills) and wait until it is gone
#   cluster.sh start I                start node I again (after its old process and lock are gone)
#   cluster.sh down [--purge]         stop every node; keeps data dirs and logs unless --purge
#
# The cluster lives in $SWIFTSERVE_CLUSTER (default ./cluster), node I's log in node I/log. Every
# wait has a time limit. Status pages: STATUS_PORT_BASE=P (or --status-base-port) puts node I's on
# port P+I-1; unset, each node keeps the port it had (a free one the first time).
# SWIFTSERVE_FETCH_ALLOW=CIDR[,CIDR] is passed to every node as --fetch-allow (e.g. a local test origin).
# Reads the nodes' JSON with jq, installed with apt-get when missing.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ss="$here/swiftserve"
dir="${SWIFTSERVE_CLUSTER:-$PWD/cluster}"
wait_s="${SWIFTSERVE_WAIT:-60}"
stop_s="${SWIFTSERVE_STOP_WAIT:-30}"
# a local cluster is the same on every machine: this machine's installed settings
# (/etc/swiftserve/swiftserve.conf, /etc/default's variables) are not its nodes' settings
export SWIFTSERVE_CONFIG=/dev/null
unset SWIFTSERVE_DATA PORT MACHINE_IP AUTO_DETECT_IP

die() { echo "cluster: $*" >&2; exit 1; }
usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
node_dir() { echo "$dir/node$1"; }
pid_of() { cat "$(node_dir "$1")/pid" 2>/dev/null || true; }
count() { ls -d "$dir"/node* 2>/dev/null | wc -l; }
port_of() { cat "$(node_dir "$1")/peer.port"; }

# running PID: the process exists and is not a zombie
running() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/status" ] || return 0
  ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# alive I: node I's recorded process still exists and is that node's daemon. A zombie counts as
# gone (the kernel released its lock already); with /proc, a pid reused by another program too.
alive() {
  local p; p=$(pid_of "$1")
  running "$p" || return 1
  [ -r "/proc/$p/cmdline" ] || return 0
  local cmd; cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true)
  # a process in the middle of exiting has released its memory and shows an empty command line
  # before it becomes a zombie: it is still there (and may still hold the data dir's lock)
  [ -n "$cmd" ] || return 0
  grep -qF -- "--data $(node_dir "$1") " <<<"$cmd" || return 1
}

# gone_within SECONDS I: wait until node I's process has exited; false if it is still there then
gone_within() {
  local deadline=$((SECONDS + $1))
  while alive "$2"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

need_jq() {
  command -v jq >/dev/null 2>&1 && return 0
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "jq is not installed (apt-get install jq)"
    sudo_cmd="sudo"
  fi
  echo "cluster: installing jq (apt-get)" >&2
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq jq >/dev/null \
    || die "could not install jq (apt-get install jq)"
}

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
  # an old process just killed or stopped from outside may still be exiting: give it a moment
  gone_within 5 "$i" || die "node $i is already running (pid $(pid_of "$i"))"
  local args=(run --data "$d" --port "$(port_of "$i")" --host 127.0.0.1)
  # the token file, not the token: a command line is visible to every user in ps
  if [ ! -d "$d/db" ] && [ -f "$d/join.token" ]; then args+=(--join-file "$d/join.token"); fi
  if [ -f "$d/cluster.status-port" ]; then args+=(--status-port "$(cat "$d/cluster.status-port")"); fi
  if [ -n "${SWIFTSERVE_FETCH_ALLOW:-}" ]; then args+=(--fetch-allow "$SWIFTSERVE_FETCH_ALLOW"); fi
  local deadline=$((SECONDS + wait_s)) from p
  while :; do
    rm -f "$d/admin.port"
    from=1
    if [ -f "$d/log" ]; then from=$(( $(wc -c <"$d/log") + 1 )); fi
    nohup "$ss" "${args[@]}" >>"$d/log" 2>&1 &
    p=$!
    echo "$p" >"$d/pid"
    until "$ss" status --data "$d" >/dev/null 2>&1; do
      running "$p" || break
      [ $SECONDS -lt $deadline ] || die "timed out after ${wait_s}s waiting for node $i to start (see $d/log)"
      sleep 0.2
    done
    if running "$p"; then break; fi
    wait "$p" 2>/dev/null || true
    # the daemon takes DIR/daemon.lock first; a process that held it may still be letting go
    if tail -c +"$from" "$d/log" | grep -q "a daemon is already running for" && [ $SECONDS -lt $deadline ]; then
      sleep 0.5
      continue
    fi
    die "node $i exited while starting: $(tail -c +"$from" "$d/log" | grep -v '^[[:space:]]*$' | tail -n 1)"
  done
  rm -f "$d/join.token"
}

# stop_node I SECONDS: SIGTERM, then wait for the exit; false if it did not exit in time
stop_node() {
  alive "$1" || return 0
  kill -TERM "$(pid_of "$1")" 2>/dev/null || true
  gone_within "$2" "$1"
}

cmd_up() {
  local n="" base=7000 status_base="${STATUS_PORT_BASE:-}"
  while [ $# -gt 0 ]; do
    case "$1" in
      --base-port) base="${2:?--base-port needs a value}"; shift 2 ;;
      --status-base-port) status_base="${2:?--status-base-port needs a value}"; shift 2 ;;
      -*) die "unknown option $1" ;;
      *) n="$1"; shift ;;
    esac
  done
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "usage: cluster.sh up N [--base-port P]"
  [[ "$base" =~ ^[0-9]+$ ]] || die "--base-port must be a number"
  [ -z "$status_base" ] || [[ "$status_base" =~ ^[0-9]+$ ]] || die "the status base port (STATUS_PORT_BASE or --status-base-port) must be a number"
  [ "$(count)" -eq 0 ] || die "$dir already holds a cluster: 'cluster.sh down --purge' removes it, 'cluster.sh start I' restarts its nodes"
  need_jq
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    mkdir -p "$(node_dir "$i")"
    echo $((base + i - 1)) >"$(node_dir "$i")/peer.port"
    if [ -n "$status_base" ]; then echo $((status_base + i - 1)) >"$(node_dir "$i")/cluster.status-port"; fi
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
    "$ss" status --data "$(node_dir "$i")" --json | jq -e --argjson n "$n" '.members == $n' >/dev/null || return 1
  done
}

cmd_status() {
  [ "$(count)" -gt 0 ] || die "no cluster in $dir"
  need_jq
  printf '%-5s %-7s %-14s %-7s %-6s %-16s %s\n' NODE PID ID HEIGHT PEERS FILES "STATUS PAGE"
  for i in $(seq 1 "$(count)"); do
    local d line; d=$(node_dir "$i")
    if ! alive "$i"; then
      printf '%-5s %-7s %s\n' "$i" "-" "stopped"
      continue
    fi
    # a revoked or departed node says so where its peer count would be
    line=$("$ss" status --data "$d" --json 2>/dev/null | jq -r '[.nodeId[:12], .height,
        (if (.membership.state // "member") == "member" then .peersConnected else (.membership.state | ascii_upcase) end),
        "\([.files[] | select(.state == "complete")] | length)/\(.files | length) complete", .statusUrl // ""] | @tsv') \
      || { printf '%-5s %-7s %s\n' "$i" "$(pid_of "$i")" "not answering"; continue; }
    IFS=$'\t' read -r id height peers files url <<<"$line"
    printf '%-5s %-7s %-14s %-7s %-6s %-16s %s\n' "$i" "$(pid_of "$i")" "$id" "$height" "$peers" "$files" "$url"
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

cmd_stop() {
  local i="${1:?usage: cluster.sh stop I}"
  [ -d "$(node_dir "$i")" ] || die "no node $i"
  alive "$i" || die "node $i is not running"
  stop_node "$i" "$stop_s" || die "node $i (pid $(pid_of "$i")) did not exit within ${stop_s}s of SIGTERM; 'cluster.sh kill $i' forces it"
  echo "node $i stopped"
}

cmd_kill() {
  local i="${1:?usage: cluster.sh kill I}"
  alive "$i" || die "node $i is not running"
  kill -9 "$(pid_of "$i")"
  gone_within 10 "$i" || die "node $i (pid $(pid_of "$i")) is still there 10s after SIGKILL"
  echo "node $i killed (SIGKILL)"
}

cmd_start() {
  local i="${1:?usage: cluster.sh start I}"
  [ -d "$(node_dir "$i")" ] || die "no node $i"
  start_node "$i"
  echo "node $i started"
}

cmd_down() {
  local purge=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --purge) purge=1; shift ;;
      *) die "usage: cluster.sh down [--purge]" ;;
    esac
  done
  [ "$(count)" -gt 0 ] || { echo "no cluster in $dir"; return 0; }
  local i
  for i in $(seq 1 "$(count)"); do
    if alive "$i"; then kill -TERM "$(pid_of "$i")" 2>/dev/null || true; fi
  done
  for i in $(seq 1 "$(count)"); do
    if ! gone_within "$stop_s" "$i"; then
      echo "cluster: node $i did not exit within ${stop_s}s of SIGTERM; SIGKILL" >&2
      kill -9 "$(pid_of "$i")" 2>/dev/null || true
      gone_within 10 "$i" || true
    fi
  done
  if [ "$purge" -eq 1 ]; then
    rm -rf "$dir"
    echo "cluster stopped and removed"
  else
    echo "cluster stopped; data and logs kept in $dir (node I/log; 'cluster.sh down --purge' removes them)"
  fi
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  status) cmd_status ;;
  add) shift; cmd_add "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  kill) shift; cmd_kill "$@" ;;
  start) shift; cmd_start "$@" ;;
  down) shift; cmd_down "$@" ;;
  -h|--help|help|"") usage ;;
  *) die "unknown command '$1' (try --help)" ;;
esac
