#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that leaves requests 2 and 4 of 5 unanswered: sent 5, received 3, loss ratio 0.4
# exactly, on IPv4 and IPv6, over raw and datagram ICMP sockets.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_setup

scenario() {
  responder_start --drop 2,4
  local out=$RSP_TMP/loss.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 5 -i 0.1 -W 0.5 "$PEER4" "$PEER6"
  responder_stop
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_up "$d" 1
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 5
    expect_metric "$out" netprom_ping_run_packets_received "$d" 3
    expect_metric "$out" netprom_ping_run_packets_duplicate "$d" 0
    expect_metric "$out" netprom_ping_run_packets_late "$d" 0
    expect_metric "$out" netprom_ping_loss_ratio "$d" 0.4
    expect_range "$out" netprom_ping_rtt_max_seconds "$d" 0 0.5
  done
  [ "$(responder_count drop)" = 4 ] || fail "responder dropped $(responder_count drop) requests, expected 4"
  [ "$(responder_count total)" = 10 ] || fail "responder saw $(responder_count total) requests, expected 10"
}

for_each_path scenario
echo "ok"
