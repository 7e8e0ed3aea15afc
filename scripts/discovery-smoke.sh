#!/usr/bin/env bash
# LAN discovery smoke test: members whose addresses all changed find each other again with no --peer.
#
#   discovery-smoke.sh [N] [--bind-any] [--logs DIR]
#
#   N          hosts (2..8, default 3)
#   --bind-any every daemon binds :: (--bind ::) and the new IPv4 addresses have no broadcast address,
#              so only IPv6 link-local multicast (ff12::7373) carries the announcements and peers dial
#              each other's link-local addresses
#   --logs DIR copy the daemon logs there before cleaning up
#
# Needs root. It builds a LAN out of network namespaces (one holds a Linux bridge, N host namespaces
# are joined to it by veth pairs; nothing is added to the root namespace), founds a network on host 1
# at 10.78.0.1/24 and lets the others join with invites, as bench-lan.sh does. Then it stops every
# daemon, moves every host to a new subnet (10.79.0.11.. /24: each address book now holds only
# addresses nobody answers at), and starts every daemon again with no --peer and no invite. The test
# passes when every host sees every other as a connected member (GET /v1/peers, the data of
# `swiftserve peers --json`) within 10 s of the last daemon answering its admin channel, found by LAN
# discovery (IPv4 broadcast on UDP 21029). Everything it starts or creates is removed on exit, on
# Ctrl-C and on failure; every wait is bounded.
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ss="$here/swiftserve"
exec 3>&2
die() { echo "discovery-smoke: $*" >&3; exit 1; }
usage() { sed -n '2,/^# Needs root/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }

n=3 keep_logs="" bind_any=0
while [ $# -gt 0 ]; do
  case "$1" in
    --logs) keep_logs="${2:?--logs needs a directory}"; shift 2 ;;
    --logs=*) keep_logs="${1#*=}"; shift ;;
    --bind-any) bind_any=1; shift ;;
    -h|--help) usage ;;
    -*) echo "discovery-smoke: unknown option $1" >&2; usage ;;
    *) n="$1"; shift ;;
  esac
done
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 8 ] || die "N must be a whole number from 2 to 8"
[ "$(id -u)" -eq 0 ] || die "needs root (it creates network namespaces and veth pairs); run it with sudo"
command -v ip >/dev/null || die "ip (iproute2) is not installed"
command -v curl >/dev/null || die "curl is not installed"
command -v java >/dev/null || die "java (17 or newer) is not installed"
timeout 120 "$ss" --help >/dev/null 2>&1 || die "scripts/swiftserve does not run: build the jar first (mvn -B -q -DskipTests package)"

REFORM_LIMIT=10          # seconds, from the last daemon up to every host connected to every other
START_LIMIT=$((90 + 10 * n))

tag="ssd$$"
ns_br="$tag-br"
ns() { echo "$tag-h$1"; }
old_addr() { echo "10.78.0.$1"; }
new_addr() { echo "10.79.0.$((10 + $1))"; }
tmp="" created_ns=() daemon_pids=() cleaning=0

cleanup() {
  local rc=$? p i deadline mine=()
  [ "$cleaning" -eq 0 ] || return 0
  cleaning=1
  set +e
  trap - EXIT INT TERM
  # only processes that are still this script's children (a finished one's pid may have been reused)
  for p in "${daemon_pids[@]}"; do
    [ "$(awk '{ sub(/^.*\) /, ""); print $2 }' "/proc/$p/stat" 2>/dev/null)" = "$$" ] && mine+=("$p")
  done
  for p in "${mine[@]}"; do kill -TERM "$p" 2>/dev/null; done
  deadline=$((SECONDS + 20))
  for p in "${mine[@]}"; do
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  for p in "${created_ns[@]}"; do
    for i in $(ip netns pids "$p" 2>/dev/null); do kill -KILL "$i" 2>/dev/null; done
  done
  for p in "${created_ns[@]}"; do ip netns del "$p" 2>/dev/null; done
  if [ -n "$keep_logs" ] && [ -n "$tmp" ] && [ -d "$tmp/logs" ]; then
    mkdir -p "$keep_logs" && cp -r "$tmp"/logs/. "$keep_logs"/ 2>/dev/null && echo "discovery-smoke: logs kept in $keep_logs" >&3
  fi
  [ -n "$tmp" ] && rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "discovery-smoke: interrupted" >&3; exit 130' INT
trap 'echo "discovery-smoke: terminated" >&3; exit 143' TERM

fail() {
  local f
  for f in "$tmp"/logs/h*.log; do
    [ -f "$f" ] || continue
    echo "--- last lines of $(basename "$f")" >&3
    tail -n 12 "$f" >&3
  done
  echo "discovery-smoke: $*" >&3
  exit 1
}
wait_until() { # wait_until SECONDS WHAT COMMAND...
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}

tmp=$(mktemp -d /tmp/discovery-smoke.XXXXXX)
mkdir -p "$tmp/logs" && mkdir -m 700 "$tmp/h1"
echo "swiftserve LAN discovery smoke: N=$n hosts; machine $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- the LAN
ip netns add "$ns_br"; created_ns+=("$ns_br")
ip -n "$ns_br" link set lo up
ip -n "$ns_br" link add br0 type bridge stp_state 0 forward_delay 0
ip -n "$ns_br" link set br0 up
for i in $(seq 1 "$n"); do
  h=$(ns "$i")
  ip netns add "$h"; created_ns+=("$h")
  ip -n "$h" link set lo up
  ip -n "$h" link add eth0 type veth peer name "vh$i" netns "$ns_br"
  ip -n "$h" addr add "$(old_addr "$i")/24" brd + dev eth0
  ip -n "$h" link set eth0 up
  ip -n "$ns_br" link set "vh$i" master br0
  ip -n "$ns_br" link set "vh$i" up
done
echo "LAN: bridge in namespace $ns_br, hosts $(ns 1)..$(ns "$n") at $(old_addr 1)..$n/24"

# ---------------------------------------------------------------- daemons
admin() { # admin HOST PATH: the admin channel of HOST's daemon, on loopback inside its namespace
  local d="$tmp/h$1"
  ip netns exec "$(ns "$1")" curl -sS --max-time 5 -H "Authorization: Bearer $(cat "$d/admin.token")" \
    "http://127.0.0.1:$(cat "$d/admin.port")/v1$2"
}
admin_up() { [ -s "$tmp/h$1/admin.port" ] && [ -s "$tmp/h$1/admin.token" ] && admin "$1" /status >/dev/null; }
connected() { admin "$1" /peers | grep -c '"connected" : true' || true; }
members() { admin "$1" /status | awk '$1 == "\"members\"" { v = $3; gsub(/[^0-9]/, "", v); print v }'; }
start_daemon() { # start_daemon HOST ADDRESS [TOKEN]: no --peer, ever
  local i=$1 host=$2 token=${3:-}
  local args=(run --data "$tmp/h$i" --host "$host" --port 8000)
  [ -z "$token" ] || args+=(--join "$token")
  [ "$bind_any" -eq 0 ] || args+=(--bind ::)
  ip netns exec "$(ns "$i")" "$ss" "${args[@]}" >>"$tmp/logs/h$i.log" 2>&1 &
  daemon_pids[$i]=$!
}
all_up() {
  local i
  for i in $(seq 1 "$n"); do
    kill -0 "${daemon_pids[$i]}" 2>/dev/null || fail "the daemon of host $i exited"
    admin_up "$i" || return 1
  done
}
all_members() {
  local i
  for i in $(seq 1 "$n"); do [ "$(members "$i")" = "$n" ] || return 1; done
}
all_connected() {
  local i
  for i in $(seq 1 "$n"); do
    kill -0 "${daemon_pids[$i]}" 2>/dev/null || fail "the daemon of host $i exited"
    [ "$(connected "$i")" -ge $((n - 1)) ] || return 1
  done
}
stop_all() {
  local i deadline
  for i in $(seq 1 "$n"); do kill -TERM "${daemon_pids[$i]}" 2>/dev/null || true; done
  deadline=$((SECONDS + 30))
  for i in $(seq 1 "$n"); do
    while kill -0 "${daemon_pids[$i]}" 2>/dev/null; do
      [ $SECONDS -lt $deadline ] || fail "the daemon of host $i did not stop within 30 s of SIGTERM"
      sleep 0.1
    done
    wait "${daemon_pids[$i]}" 2>/dev/null || true
  done
  daemon_pids=()
}

timeout "$START_LIMIT" ip netns exec "$(ns 1)" "$ss" init --data "$tmp/h1" --network "disco-$tag" >"$tmp/logs/init.txt" 2>&1 \
  || fail "swiftserve init failed: $(cat "$tmp/logs/init.txt")"
start_daemon 1 "$(old_addr 1)"
wait_until "$START_LIMIT" "the daemon of host 1 to start" admin_up 1
for i in $(seq 2 "$n"); do
  timeout "$START_LIMIT" ip netns exec "$(ns 1)" "$ss" invite --data "$tmp/h1" --ttl 1h >"$tmp/h$i.token" 2>"$tmp/logs/invite-$i.err" \
    || fail "swiftserve invite failed: $(cat "$tmp/logs/invite-$i.err")"
  mkdir -m 700 -p "$tmp/h$i"
  start_daemon "$i" "$(old_addr "$i")" "$(cat "$tmp/h$i.token")"
done
wait_until "$START_LIMIT" "all $n hosts to start" all_up
wait_until "$START_LIMIT" "all $n hosts to see $n members" all_members
wait_until 60 "all $n hosts to connect to each other before the move" all_connected
echo "network formed: $n members at $(old_addr 1)..$n, all connected"

# ---------------------------------------------------------------- every address changes
stop_all
for i in $(seq 1 "$n"); do
  ip -n "$(ns "$i")" -4 addr flush dev eth0
  if [ "$bind_any" -eq 0 ]; then
    ip -n "$(ns "$i")" addr add "$(new_addr "$i")/24" brd + dev eth0
  else
    # no broadcast address (and no default route for 255.255.255.255): only IPv6 multicast can carry
    # the announcements, and peers dial the link-local address they came from
    ip -n "$(ns "$i")" addr add "$(new_addr "$i")/24" dev eth0
  fi
  : >"$tmp/h$i/admin.port"   # so admin_up waits for the new daemon's port, not the old one's
done
echo "moved: every host stopped and renumbered to $(new_addr 1)..$(new_addr "$n") (a new subnet); restarting with no --peer"
t_start=$EPOCHREALTIME
for i in $(seq 1 "$n"); do start_daemon "$i" "$(new_addr "$i")"; done
wait_until "$START_LIMIT" "all $n daemons to start again" all_up
t_up=$EPOCHREALTIME
deadline=$((SECONDS + REFORM_LIMIT))
until all_connected; do
  if [ $SECONDS -ge $deadline ]; then
    fail "not re-formed within ${REFORM_LIMIT}s of the last daemon starting; connected peers per host:" \
      "$(for i in $(seq 1 "$n"); do printf 'h%s=%s ' "$i" "$(connected "$i")"; done)"
  fi
  sleep 0.2
done
t_done=$EPOCHREALTIME
reform=$(awk -v a="$t_up" -v b="$t_done" 'BEGIN { printf "%.1f", b - a }')
total=$(awk -v a="$t_start" -v b="$t_done" 'BEGIN { printf "%.1f", b - a }')

# the same view through the CLI, once per host, and the log lines that show discovery did it
for i in $(seq 1 "$n"); do
  got=$(timeout 60 ip netns exec "$(ns "$i")" "$ss" peers --json --data "$tmp/h$i" | grep -c '"connected" : true' || true)
  [ "$got" -ge $((n - 1)) ] || fail "swiftserve peers --json on host $i lists $got connected members, want $((n - 1))"
  # nothing else could tell the others where host i went: its announcement must have been heard (at
  # its new IPv4 address, or with --bind-any possibly first at its IPv6 link-local one)
  id=$(awk '$1 == "\"nodeId\"" { gsub(/[",]/, "", $3); print substr($3, 1, 12); exit }' <(admin "$i" /status))
  heard=$(cat "$tmp"/logs/h*.log | grep -c "LAN discovery: member $id at " || true)
  [ "$heard" -ge 1 ] || fail "no log shows host $i ($id) heard by LAN discovery"
  if [ "$bind_any" -eq 0 ]; then
    heard=$(cat "$tmp"/logs/h*.log | grep -c "LAN discovery: member $id at $(new_addr "$i" | sed 's/\./\\./g'):8000" || true)
    [ "$heard" -ge 1 ] || fail "no log shows host $i heard by LAN discovery at its new address $(new_addr "$i")"
  fi
done
if [ "$bind_any" -eq 1 ]; then
  v6=$(cat "$tmp"/logs/h*.log | grep -c 'LAN discovery: member .* at \[\?fe80' || true)
  [ "$v6" -ge "$n" ] || fail "only $v6 members were heard over IPv6 (at fe80:: addresses), want at least $n"
  echo "heard over IPv6 link-local multicast: $v6 times"
fi
printf 'smoke %s: passed, %d hosts with new addresses re-formed %s s after the last daemon was up (%s s after the first restart), found by LAN discovery with no --peer\n' \
  "$(date +%F)" "$n" "$reform" "$total"
