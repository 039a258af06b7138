#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that answers every request 100 ms late: all replies count, and no RTT is below the
# 100 ms the responder holds each reply, on IPv4 and IPv6, over raw and over datagram ICMP
# sockets.
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  ping_both_peers delay --delay 100 -- -c 4 -i 0.2 -W 1
  grep '^netprom_ping_rtt_' "$OUT"
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_counts "$OUT" "$d" up=1 sent=4 received=4 duplicate=0 loss_ratio=0
    # The responder holds each reply 100 ms: no RTT can be shorter. The upper bound is the
    # reply counted within -W 1 and half a second below it, so that a loaded machine (the
    # sanitizer build, other tests) cannot make it flake; the RTT's precision is the unit
    # tests' matter (ping_ledger_test.cc, on simulated clocks).
    expect_range "$OUT" netprom_ping_rtt_min_seconds "$d" 0.100 0.5
    expect_range "$OUT" netprom_ping_rtt_max_seconds "$d" 0.100 0.5
    expect_range "$OUT" netprom_ping_rtt_avg_seconds "$d" 0.100 0.5
  done
  [ "$(responder_count ipv4)" = 4 ] || fail "responder saw $(responder_count ipv4) IPv4 requests, expected 4"
  [ "$(responder_count ipv6)" = 4 ] || fail "responder saw $(responder_count ipv6) IPv6 requests, expected 4"
}

for_each_path scenario
echo "ok"
