#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Replies that are not valid answers are ignored: request 2 gets only a reply with a bad
# checksum, 3 one whose payload was altered (checksum valid, so only netprom's own payload check
# can reject it), 4 one with another ICMP identifier. Only requests 1 and 5 count as received,
# nothing counts as duplicate or late. IPv4 and IPv6, raw and datagram ICMP sockets. (On
# datagram sockets the kernel itself drops the bad checksum and the foreign id.)
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  ping_both_peers bad --corrupt 2 --mangle 3 --foreign-id 4 -- -c 5 -i 0.1 -W 0.5
  local d a
  for d in "$PEER4" "$PEER6"; do
    expect_counts "$OUT" "$d" up=1 sent=5 received=2 duplicate=0 late=0 icmp_errors=0 loss_ratio=0.6
  done
  for a in corrupt mangle foreign-id; do
    [ "$(responder_count "$a")" = 2 ] || fail "responder sent $(responder_count "$a") $a replies, expected 2"
  done
}

for_each_path scenario
echo "ok"
