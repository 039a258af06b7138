#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --pmtu towards a peer behind a router whose far link is 1400 bytes reads 1400 over IPv4 and
# IPv6, on raw and datagram sockets: the router's "fragmentation needed" / "packet too big"
# gives the MTU, one probe confirms it. The probes stay out of the echo counts.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM"
netns_router_setup --mtu 1400 --kernel-echo

scenario() {
  local out=$RSP_TMP/pmtu.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" --pmtu -c 2 -i 0.2 -W 1 -w 30 v4="$PEER4" v6="$PEER6"
  local d
  for d in v4 v6; do
    expect_metric "$out" netprom_ping_path_mtu_bytes "$d" 1400
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 2
    expect_metric "$out" netprom_ping_run_packets_received "$d" 2
    expect_icmp_errors "$out" "$d" 0 0 0 0 0
  done
}

for_each_path scenario
echo "ok"
