#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --pmtu through a router that drops its own "fragmentation needed" / "packet too big" errors
# (a PMTU black hole) still reads 1400 over IPv4 and IPv6, on raw and datagram sockets: the
# binary search of don't-fragment probes finds it. The router's drop counter proves the errors
# were sent into the hole, not around it.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_tools nft
need_binary "$NETPROM"
netns_router_setup --mtu 1400 --kernel-echo
netns_router_black_hole

scenario() {
  local out=$RSP_TMP/pmtu.$PATH_NAME.prom before after
  before=$(netns_router_dropped)
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" --pmtu -c 1 -W 0.5 -w 45 v4="$PEER4" v6="$PEER6"
  after=$(netns_router_dropped)
  [ "$after" -gt "$before" ] || fail "the router dropped no 'too big' error ($before before, $after after)"
  local d
  for d in v4 v6; do
    expect_metric "$out" netprom_ping_path_mtu_bytes "$d" 1400
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 1
    expect_metric "$out" netprom_ping_run_packets_received "$d" 1
  done
}

for_each_path scenario
echo "ok"
