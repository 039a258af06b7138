#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A reply that arrives after its timeout but while the run goes on counts as late, not as
# received: request 2 of 5 is answered after 700 ms with -W 0.5 (the run lasts ~1.7 s), so
# received 4, late 1, loss 0.2. IPv4 and IPv6, raw and datagram ICMP sockets.
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  ping_both_peers late --delay-for 2:700 -- -c 5 -i 0.3 -W 0.5
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_counts "$OUT" "$d" up=1 sent=5 received=4 late=1 duplicate=0
    # 1 - 4/5 in doubles is 0.19999999999999996
    expect_range "$OUT" netprom_ping_loss_ratio "$d" 0.1999999 0.2000001
    # the late reply's 700 ms is not an RTT of this run
    expect_range "$OUT" netprom_ping_rtt_max_seconds "$d" 0 0.5
  done
}

for_each_path scenario
echo "ok"
