# SPDX-License-Identifier: MIT
# Helpers sourced by the namespace tests (tests/netns/*.sh). Not a test itself.
#
#   . "$(dirname "$0")/lib.sh"
#   need_root; need_tools fping
#   netns_setup                      # client ns $NS_C <-> peer ns $NS_P over a veth pair
#   netns_ping_test                  # need_root, netprom and the responder built, netns_setup
#   ping_both_peers NAME RESPONDER_OPTIONS... -- NETPROM_OPTIONS...   # sets OUT
#   expect_counts "$OUT" "$PEER4" up=1 sent=5 received=3 loss_ratio=0.4
#   responder_start --delay 100      # in $NS_P, waits for its ready file
#   in_client "$NETPROM" -o - ...    # run in the client namespace (as root: raw ICMP sockets)
#   as_nobody "$NETPROM" -o - ...    # as uid 65534 with no capabilities in the client namespace
#   responder_stop; responder_count total
#
# Addresses: client 198.18.0.1/24 fd00::1/64, peer 198.18.0.2/24 fd00::2/64.
# Every name carries the prefix "rsp" and this shell's pid, so parallel tests never collide, and
# the EXIT trap removes everything, also when a test fails half way.

NETPROM_TOP=${NETPROM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NETPROM=${NETPROM:-$NETPROM_TOP/build/netprom}
RESPONDER=${RESPONDER:-$NETPROM_TOP/build/netprom-responder}

NS_C=rspc$$
NS_P=rspp$$
VETH_C=rspa$$
VETH_P=rspb$$
PEER4=198.18.0.2
PEER6=fd00::2
CLIENT4=198.18.0.1
CLIENT6=fd00::1
RSP_TMP=
RSP_PID=
_rsp_pids=()

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: needs root"
    exit 77
  fi
}

need_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || { echo "skipped: needs $t"; exit 77; }
  done
}

# Fails (not skips) when a binary under test is missing: the driver builds them first.
need_binary() {
  local b
  for b in "$@"; do
    [ -x "$b" ] || fail "binary $b not built"
  done
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

rsp_cleanup() {
  local pid
  for pid in "${_rsp_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${_rsp_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  # Deleting a namespace kills nothing in it by itself: anything left running goes first.
  local ns
  for ns in "$NS_C" "$NS_P"; do
    if ip netns pids "$ns" >/dev/null 2>&1; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  ip link del "$VETH_C" 2>/dev/null || true
  [ -n "$RSP_TMP" ] && rm -rf "$RSP_TMP"
  return 0
}

# Creates both namespaces and the veth pair, and arms the cleanup trap.
netns_setup() {
  trap rsp_cleanup EXIT
  trap 'exit 130' INT TERM
  RSP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rsp.$$.XXXXXX")
  chmod 0755 "$RSP_TMP"
  ip netns add "$NS_C" || fail "cannot create namespace $NS_C"
  ip netns add "$NS_P" || fail "cannot create namespace $NS_P"
  ip link add "$VETH_C" netns "$NS_C" type veth peer name "$VETH_P" netns "$NS_P" ||
    fail "cannot create veth pair $VETH_C/$VETH_P"
  local ns dev a4 a6
  for ns in "$NS_C" "$NS_P"; do
    if [ "$ns" = "$NS_C" ]; then dev=$VETH_C a4=$CLIENT4 a6=$CLIENT6; else dev=$VETH_P a4=$PEER4 a6=$PEER6; fi
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$a4/24" dev "$dev"
    ip -n "$ns" addr add "$a6/64" dev "$dev" nodad
    ip -n "$ns" link set "$dev" up
  done
  # The peer's kernel stays silent so that every echo reply comes from the responder.
  ip netns exec "$NS_P" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1 ||
    fail "cannot switch off kernel echo replies in $NS_P"
  links_up "$NS_C:$VETH_C" "$NS_P:$VETH_P"
}

# links_up NS:DEV...: a link reports up a moment after `link set up`; waits (at most 5 s) until
# every one of them does.
links_up() {
  local i link down
  for i in $(seq 50); do
    down=
    for link in "$@"; do
      ip -n "${link%%:*}" -o link show "${link#*:}" | grep -q 'state UP' || { down=$link; break; }
    done
    [ -z "$down" ] && return 0
    sleep 0.1
  done
  fail "links did not come up: $*"
}

# Lets uid/gid 0..2^31-1 open ICMP datagram ("ping") sockets in the client namespace.
open_ping_group_range() {
  ip netns exec "$NS_C" sysctl -q -w net.ipv4.ping_group_range="0 2147483647" ||
    fail "cannot set ping_group_range in $NS_C"
}

in_client() { ip netns exec "$NS_C" "$@"; }
in_peer() { ip netns exec "$NS_P" "$@"; }
as_nobody() {
  ip netns exec "$NS_C" setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$@"
}

# responder_start [OPTIONS...]: starts the responder in the peer namespace and waits (at most
# 5 s) for its ready file. One responder at a time; responder_stop before starting another.
responder_start() {
  need_binary "$RESPONDER"
  rm -f "$RSP_TMP/ready" "$RSP_TMP/count"
  ip netns exec "$NS_P" "$RESPONDER" --ready-file "$RSP_TMP/ready" --count-file "$RSP_TMP/count" \
    --max-seconds 120 "$@" 2>"$RSP_TMP/responder.err" &
  RSP_PID=$!
  _rsp_pids+=("$RSP_PID")
  local i
  for i in $(seq 100); do
    [ -s "$RSP_TMP/ready" ] && return 0
    kill -0 "$RSP_PID" 2>/dev/null || { cat "$RSP_TMP/responder.err" >&2; fail "responder exited early"; }
    sleep 0.05
  done
  fail "responder not ready after 5 s"
}

# Stops the responder; its count file is complete afterwards.
responder_stop() {
  [ -n "$RSP_PID" ] || return 0
  kill -TERM "$RSP_PID" 2>/dev/null || true
  wait "$RSP_PID" 2>/dev/null || true
  RSP_PID=
  [ -s "$RSP_TMP/count" ] || fail "responder wrote no count file"
}

# responder_count KEY: a number from the count file ("total", "ipv4", "ipv6", "dns", an action
# name like "reply" or "drop", or "source ADDR"); 0 when absent.
responder_count() {
  awk -v k="$*" '{ v = $NF; $NF = ""; sub(/ $/, ""); if ($0 == k) { print v; found = 1 } }
                 END { if (!found) print 0 }' "$RSP_TMP/count"
}

# metric FILE NAME DEST: the value of NAME{...dest="DEST"...} in a .prom file, or "absent".
metric() {
  awk -v name="$2" -v dest="dest=\"$3\"" '
    index($0, name "{") == 1 && index($0, dest) { print $NF; found = 1; exit }
    END { if (!found) print "absent" }' "$1"
}

# expect_metric FILE NAME DEST WANT: exact comparison, as text (counts) or numerically (floats).
expect_metric() {
  local got
  got=$(metric "$1" "$2" "$3")
  if [ "$got" = "$4" ]; then return 0; fi
  if [ "$got" != absent ] && [ "$4" != absent ] && awk -v a="$got" -v b="$4" 'BEGIN { exit !(a + 0 == b + 0) }'; then
    return 0
  fi
  echo "--- output ($1):" >&2
  grep "dest=\"$3\"" "$1" >&2 || true
  fail "$2{dest=\"$3\"}: expected $4, got $got"
}

# expect_range FILE NAME DEST LOW HIGH: LOW <= value < HIGH.
expect_range() {
  local got
  got=$(metric "$1" "$2" "$3")
  if [ "$got" != absent ] && awk -v v="$got" -v lo="$4" -v hi="$5" 'BEGIN { exit !(v >= lo && v < hi) }'; then
    return 0
  fi
  echo "--- output ($1):" >&2
  grep "dest=\"$3\"" "$1" >&2 || true
  fail "$2{dest=\"$3\"}: expected in [$4, $5), got $got"
}

# run_ok OUT COMMAND...: runs COMMAND with stdout to OUT and stderr to OUT.err,
# and fails unless it exits 0.
run_ok() {
  local out=$1
  shift
  local rc=0
  "$@" >"$out" 2>"$out.err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "--- stderr:" >&2
    cat "$out.err" >&2
    fail "expected exit 0 from: $* ; got $rc"
  fi
}

# expect_counts FILE DEST KEY=WANT...: expect_metric for each KEY: sent, received, duplicate and
# late are the per-run gauges netprom_ping_run_packets_KEY, any other KEY is netprom_ping_KEY
# (up, loss_ratio, icmp_errors, ...).
expect_counts() {
  local file=$1 dest=$2 kv key
  shift 2
  for kv in "$@"; do
    key=${kv%%=*}
    case $key in
      sent | received | duplicate | late) expect_metric "$file" "netprom_ping_run_packets_$key" "$dest" "${kv#*=}" ;;
      icmp_errors) fail "expect_counts: icmp_errors has a type label; use expect_icmp_errors" ;;
      *) expect_metric "$file" "netprom_ping_$key" "$dest" "${kv#*=}" ;;
    esac
  done
}

# The start of every ping test against the responder: root, the binaries, the namespaces.
netns_ping_test() {
  need_root
  need_binary "$NETPROM" "$RESPONDER"
  netns_setup
}

# ping_both_peers NAME RESPONDER_OPTIONS... -- NETPROM_OPTIONS...: one exchange of a scenario
# (see for_each_path): starts the responder with its options, runs netprom $RUN with
# NETPROM_BASE, the options and both peer addresses (it must exit 0), stops the responder.
# OUT is the .prom file afterwards ($OUT.err its standard error).
ping_both_peers() {
  local name=$1 responder_args=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do responder_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  responder_start "${responder_args[@]}"
  OUT=$RSP_TMP/$name.$PATH_NAME.prom
  run_ok "$OUT" $RUN "$NETPROM" "${NETPROM_BASE[@]}" "$@" "$PEER4" "$PEER6"
  responder_stop
}

# The netprom command line every ping test starts from: no host config file, no interface
# counters, the .prom text on standard output.
NETPROM_BASE=(--config /dev/null --no-interfaces -o -)

# for_each_path FUNCTION: calls FUNCTION twice, with RUN set to the prefix that runs a command
# in the client namespace: first as root (a fresh namespace has ping_group_range "1 0", so netprom
# must use raw sockets), then as uid 65534 without capabilities after opening ping_group_range
# (datagram "ping" sockets, where the kernel owns the ICMP id and checks checksums). PATH_NAME
# says which, for messages.
for_each_path() {
  PATH_NAME=raw RUN=in_client
  echo "== raw sockets (root, ping_group_range closed)"
  "$1"
  open_ping_group_range
  PATH_NAME=datagram RUN=as_nobody
  echo "== datagram sockets (uid 65534, ping_group_range open)"
  "$1"
}

# expect_icmp_errors FILE DEST UNREACHABLE TIME_EXCEEDED TOO_BIG PARAMETER OTHER: the five
# netprom_ping_icmp_errors{dest="DEST",type=...} values, in that order, compared exactly.
expect_icmp_errors() {
  local file=$1 dest=$2 t got
  shift 2
  for t in destination_unreachable time_exceeded packet_too_big parameter_problem other; do
    got=$(awk -v p="netprom_ping_icmp_errors{dest=\"$dest\",type=\"$t\"}" \
      'index($0, p " ") == 1 { print $NF; found = 1 } END { if (!found) print "absent" }' "$file")
    if [ "$got" != "$1" ]; then
      echo "--- output ($file):" >&2
      grep "dest=\"$dest\"" "$file" >&2 || true
      fail "netprom_ping_icmp_errors{dest=\"$dest\",type=\"$t\"}: expected $1, got $got"
    fi
    shift
  done
}

# netns_router_setup: client -- router -- peer, each link a veth pair, forwarding on in the
# router namespace $NS_R, instead of netns_setup's one link:
#   client $NS_C  198.18.1.1/24 fd00:1::1/64  (default routes via the router)
#   router $NS_R  198.18.1.2/24 fd00:1::2/64  |  198.18.2.1/24 fd00:2::1/64
#   peer   $NS_P  198.18.2.2/24 fd00:2::2/64  (default routes via the router)
# PEER4/PEER6 and CLIENT4/CLIENT6 are set to these; ROUTER4/ROUTER6 are the router's addresses
# on the client's side, the source of its ICMP errors. The router does not rate-limit ICMP
# errors (icmp_ratelimit 0), so every request that runs out of TTL gets its time exceeded.
# Arms its own cleanup trap (the router namespace, then rsp_cleanup). Options: --mtu N makes
# the router-peer link N bytes (both ends; the client's link stays 1500), --kernel-echo leaves
# the peer's kernel answering echo requests (no responder needed).
NS_R=rspr$$
VETH_RC=rspd$$
VETH_RP=rspe$$
ROUTER4=198.18.1.2
ROUTER6=fd00:1::2

rsp_router_cleanup() {
  local pid
  if ip netns pids "$NS_R" >/dev/null 2>&1; then
    for pid in $(ip netns pids "$NS_R" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$NS_R" 2>/dev/null || true
  fi
  rsp_cleanup
}

netns_router_setup() {
  local far_mtu=1500 kernel_echo=0
  while [ $# -gt 0 ]; do
    case $1 in
      --mtu) far_mtu=$2; shift 2 ;;
      --kernel-echo) kernel_echo=1; shift ;;
      *) fail "netns_router_setup: unknown option $1" ;;
    esac
  done
  trap rsp_router_cleanup EXIT
  trap 'exit 130' INT TERM
  CLIENT4=198.18.1.1 CLIENT6=fd00:1::1 PEER4=198.18.2.2 PEER6=fd00:2::2
  RSP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rsp.$$.XXXXXX")
  chmod 0755 "$RSP_TMP"
  local ns
  for ns in "$NS_C" "$NS_R" "$NS_P"; do
    ip netns add "$ns" || fail "cannot create namespace $ns"
    ip -n "$ns" link set lo up
    # No duplicate address detection, also for the link-local addresses that neighbour
    # discovery and the router use: a tentative one loses the first replies for about 2 s.
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 ||
      fail "cannot switch off DAD in $ns"
  done
  ip link add "$VETH_C" netns "$NS_C" type veth peer name "$VETH_RC" netns "$NS_R" ||
    fail "cannot create veth pair $VETH_C/$VETH_RC"
  ip link add "$VETH_RP" netns "$NS_R" mtu "$far_mtu" type veth peer name "$VETH_P" netns "$NS_P" mtu "$far_mtu" ||
    fail "cannot create veth pair $VETH_RP/$VETH_P"
  local spec dev a4 a6
  for spec in "$NS_C $VETH_C $CLIENT4 $CLIENT6" "$NS_R $VETH_RC $ROUTER4 $ROUTER6" \
              "$NS_R $VETH_RP 198.18.2.1 fd00:2::1" "$NS_P $VETH_P $PEER4 $PEER6"; do
    read -r ns dev a4 a6 <<<"$spec"
    ip -n "$ns" addr add "$a4/24" dev "$dev"
    ip -n "$ns" addr add "$a6/64" dev "$dev" nodad
    ip -n "$ns" link set "$dev" up
  done
  ip -n "$NS_C" route add default via "$ROUTER4"
  ip -n "$NS_C" -6 route add default via "$ROUTER6"
  ip -n "$NS_P" route add default via 198.18.2.1
  ip -n "$NS_P" -6 route add default via fd00:2::1
  ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 || fail "cannot set up forwarding in $NS_R"
  if [ "$kernel_echo" = 0 ]; then
    ip netns exec "$NS_P" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1 ||
      fail "cannot switch off kernel echo replies in $NS_P"
  fi
  links_up "$NS_C:$VETH_C" "$NS_R:$VETH_RC" "$NS_R:$VETH_RP" "$NS_P:$VETH_P"
}

# netns_router_black_hole: the router drops the "fragmentation needed" / "packet too big"
# errors it would send (nft, counted), so only probing can find the path MTU.
netns_router_black_hole() {
  need_tools nft
  ip netns exec "$NS_R" nft -f - <<'NFT' || fail "cannot add the black-hole rules in $NS_R"
table inet blackhole {
  chain out {
    type filter hook output priority 0;
    icmp type destination-unreachable icmp code 4 counter drop
    icmpv6 type packet-too-big counter drop
  }
}
NFT
}

# netns_router_dropped: how many "too big" errors the black-hole rules dropped (both families).
netns_router_dropped() {
  ip netns exec "$NS_R" nft list chain inet blackhole out |
    awk '/counter packets/ { for (i = 1; i <= NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}
