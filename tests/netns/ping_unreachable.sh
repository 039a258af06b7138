#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The peer answers request 2 of 3 with ICMP host unreachable (ICMPv6 address unreachable),
# quoting the request: that request is lost, the error is counted, the others are received.
# IPv4 and IPv6, raw and datagram ICMP sockets (where errors arrive on the error queue).
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  ping_both_peers unreach --unreachable 2 -- -c 3 -i 0.2 -W 0.5
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_counts "$OUT" "$d" up=1 sent=3 received=2 duplicate=0 icmp_errors=1
    # 1 - 2/3, however it is rounded
    expect_range "$OUT" netprom_ping_loss_ratio "$d" 0.3333333 0.3333334
  done
  [ "$(responder_count unreachable)" = 2 ] || fail "responder sent $(responder_count unreachable) errors, expected 2"
}

for_each_path scenario
echo "ok"
