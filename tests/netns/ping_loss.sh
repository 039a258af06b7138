#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that leaves requests 2 and 4 of 5 unanswered: sent 5, received 3, loss ratio 0.4
# exactly, on IPv4 and IPv6, over raw and datagram ICMP sockets.
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  ping_both_peers loss --drop 2,4 -- -c 5 -i 0.1 -W 0.5
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_counts "$OUT" "$d" up=1 sent=5 received=3 duplicate=0 late=0 loss_ratio=0.4
    expect_range "$OUT" netprom_ping_rtt_max_seconds "$d" 0 0.5
  done
  [ "$(responder_count drop)" = 4 ] || fail "responder dropped $(responder_count drop) requests, expected 4"
  [ "$(responder_count total)" = 10 ] || fail "responder saw $(responder_count total) requests, expected 10"
}

for_each_path scenario
echo "ok"
