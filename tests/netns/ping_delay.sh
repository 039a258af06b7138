#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that answers every request 100 ms late: all replies count, and the RTTs are 100 ms
# plus a little (the responder schedules its replies on a precise timer), on IPv4 and IPv6, over
# raw and over datagram ICMP sockets.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_setup

scenario() {
  responder_start --delay 100
  local out=$RSP_TMP/delay.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 4 -i 0.2 -W 1 "$PEER4" "$PEER6"
  responder_stop
  grep '^netprom_ping_rtt_' "$out"
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_up "$d" 1
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 4
    expect_metric "$out" netprom_ping_run_packets_received "$d" 4
    expect_metric "$out" netprom_ping_run_packets_duplicate "$d" 0
    expect_metric "$out" netprom_ping_loss_ratio "$d" 0
    expect_range "$out" netprom_ping_rtt_min_seconds "$d" 0.100 0.150
    expect_range "$out" netprom_ping_rtt_max_seconds "$d" 0.100 0.150
    expect_range "$out" netprom_ping_rtt_avg_seconds "$d" 0.100 0.150
  done
  [ "$(responder_count ipv4)" = 4 ] || fail "responder saw $(responder_count ipv4) IPv4 requests, expected 4"
  [ "$(responder_count ipv6)" = 4 ] || fail "responder saw $(responder_count ipv6) IPv6 requests, expected 4"
}

for_each_path scenario
echo "ok"
