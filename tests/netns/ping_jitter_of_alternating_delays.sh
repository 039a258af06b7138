#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that answers after 10 ms and 210 ms in turn: the RTTs of consecutive requests differ
# by 200 ms, so netprom_ping_rtt_jitter_seconds reads 0.200 plus or minus the scheduling slack
# of each reply (bounded as in ping_delay.sh: under 50 ms), on IPv4 and IPv6, over raw and over
# datagram ICMP sockets. (The exact 0.020 of a 10/30 ms peer is in tests/rtt_stats_test.cc.)
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_setup

scenario() {
  # Requests are numbered per source address: 1 and 3 wait 10 ms, 2 and 4 wait 210 ms.
  responder_start --delay 10 --delay-for 2:210,4:210
  local out=$RSP_TMP/jitter.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 4 -i 0.3 -W 1 "$PEER4" "$PEER6"
  responder_stop
  grep '^netprom_ping_rtt_jitter' "$out"
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_run_packets_received "$d" 4
    expect_range "$out" netprom_ping_rtt_min_seconds "$d" 0.010 0.060
    expect_range "$out" netprom_ping_rtt_max_seconds "$d" 0.210 0.260
    expect_range "$out" netprom_ping_rtt_jitter_seconds "$d" 0.150 0.250
  done
}

for_each_path scenario
echo "ok"
