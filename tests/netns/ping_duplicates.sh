#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that sends every reply three times: each request counts once as received and the two
# extra copies as duplicates, on IPv4 and IPv6, over raw and datagram ICMP sockets.
# The last request goes unanswered on purpose: netprom (like fping) ends the run as soon as every
# request is answered, so copies of the very last reply may arrive after it has finished; with
# request 4 unanswered the run waits for its timeout and every copy of replies 1-3 is in time.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_setup

scenario() {
  responder_start --dup 2 --drop 4
  local out=$RSP_TMP/dup.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 4 -i 0.1 -W 0.5 "$PEER4" "$PEER6"
  responder_stop
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_up "$d" 1
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 4
    expect_metric "$out" netprom_ping_run_packets_received "$d" 3
    expect_metric "$out" netprom_ping_run_packets_duplicate "$d" 6
    expect_metric "$out" netprom_ping_run_packets_late "$d" 0
    expect_metric "$out" netprom_ping_loss_ratio "$d" 0.25
  done
}

for_each_path scenario
echo "ok"
