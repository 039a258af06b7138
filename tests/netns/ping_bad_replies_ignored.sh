#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Replies that are not valid answers are ignored: request 2 gets only a reply with a bad
# checksum, 3 one whose payload was altered (checksum valid, so only netprom's own payload check
# can reject it), 4 one with another ICMP identifier. Only requests 1 and 5 count as received,
# nothing counts as duplicate or late. IPv4 and IPv6, raw and datagram ICMP sockets. (On
# datagram sockets the kernel itself drops the bad checksum and the foreign id.)
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_setup

scenario() {
  responder_start --corrupt 2 --mangle 3 --foreign-id 4
  local out=$RSP_TMP/bad.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 5 -i 0.1 -W 0.5 "$PEER4" "$PEER6"
  responder_stop
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_up "$d" 1
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 5
    expect_metric "$out" netprom_ping_run_packets_received "$d" 2
    expect_metric "$out" netprom_ping_run_packets_duplicate "$d" 0
    expect_metric "$out" netprom_ping_run_packets_late "$d" 0
    expect_icmp_errors "$out" "$d" 0 0 0 0 0
    expect_metric "$out" netprom_ping_loss_ratio "$d" 0.6
  done
  local a
  for a in corrupt mangle foreign-id; do
    [ "$(responder_count "$a")" = 2 ] || fail "responder sent $(responder_count "$a") $a replies, expected 2"
  done
}

for_each_path scenario
echo "ok"
