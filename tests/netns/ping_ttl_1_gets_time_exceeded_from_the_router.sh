#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# With -t 1 towards a peer behind a router, every request dies at the router, which answers
# each with ICMP time exceeded from its own address: icmp_errors{type="time_exceeded"} counts
# every request, no other type counts, no reply comes, no reply TTL is shown, and the table
# says "From ROUTER: time exceeded". IPv4 and IPv6, raw sockets (the error itself) and datagram
# sockets (the error queue, SO_EE_OFFENDER).
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_router_setup

scenario() {
  responder_start
  local out=$RSP_TMP/ttl1.$PATH_NAME.prom table=$RSP_TMP/ttl1.$PATH_NAME.table
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -t 1 -c 3 -i 0.2 -W 1 "$PEER4" "$PEER6"
  run_ok "$table" $RUN "$NETPROM" "${NETPROM_BASE[@]}" --format table -t 1 -c 2 -i 0.2 -W 1 "$PEER4" "$PEER6"
  responder_stop
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_up "$d" 0
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 3
    expect_metric "$out" netprom_ping_run_packets_received "$d" 0
    expect_icmp_errors "$out" "$d" 0 3 0 0 0
    expect_metric "$out" netprom_ping_reply_ttl "$d" absent
  done
  grep -Fq "2 icmp err (From $ROUTER4: time exceeded)" "$table" || { cat "$table" >&2; fail "IPv4 router not named"; }
  grep -Fq "2 icmp err (From $ROUTER6: time exceeded)" "$table" || { cat "$table" >&2; fail "IPv6 router not named"; }
  [ "$(responder_count total)" = 0 ] || fail "the peer saw $(responder_count total) requests, expected none"
}

for_each_path scenario
echo "ok"
