#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that answers after 10 ms and 1010 ms in turn: the RTTs of consecutive requests differ
# by 1 s, so netprom_ping_rtt_jitter_seconds reads 1 plus or minus what the scheduling adds to
# each reply; the bounds leave 0.4 s for that and still tell jitter from the standard deviation
# (0.5 here). IPv4 and IPv6, raw and datagram ICMP sockets. (The exact 0.020 of a 10/30 ms peer
# is in tests/rtt_stats_test.cc.)
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  # Requests are numbered per source address: 1 and 3 wait 10 ms, 2 and 4 wait 1010 ms.
  ping_both_peers jitter --delay 10 --delay-for 2:1010,4:1010 -- -c 4 -i 0.2 -W 2
  grep '^netprom_ping_rtt_jitter' "$OUT"
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_counts "$OUT" "$d" up=1 sent=4 received=4
    expect_range "$OUT" netprom_ping_rtt_min_seconds "$d" 0.010 0.410
    expect_range "$OUT" netprom_ping_rtt_max_seconds "$d" 1.010 1.410
    expect_range "$OUT" netprom_ping_rtt_jitter_seconds "$d" 0.6 1.4
  done
}

for_each_path scenario
echo "ok"
