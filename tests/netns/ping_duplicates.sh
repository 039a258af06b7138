#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A peer that sends every reply three times: each request counts once as received and the two
# extra copies as duplicates, on IPv4 and IPv6, over raw and datagram ICMP sockets.
# The last request goes unanswered on purpose: netprom (like fping) ends the run as soon as every
# request is answered, so copies of the very last reply may arrive after it has finished; with
# request 4 unanswered the run waits for its timeout and every copy of replies 1-3 is in time.
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  ping_both_peers dup --dup 2 --drop 4 -- -c 4 -i 0.1 -W 0.5
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_counts "$OUT" "$d" up=1 sent=4 received=3 duplicate=6 late=0 loss_ratio=0.25
  done
}

for_each_path scenario
echo "ok"
