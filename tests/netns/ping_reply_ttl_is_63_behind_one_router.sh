#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The peer sends its replies with TTL / hop limit 64 and one router forwards them: they arrive
# with 63, which netprom_ping_reply_ttl and the table's TTL column show, on IPv4 and IPv6,
# over raw and over datagram ICMP sockets.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_router_setup

scenario() {
  responder_start
  local out=$RSP_TMP/ttl.$PATH_NAME.prom table=$RSP_TMP/ttl.$PATH_NAME.table
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 3 -i 0.2 -W 1 "$PEER4" "$PEER6"
  run_ok "$table" $RUN "$NETPROM" "${NETPROM_BASE[@]}" --format table -c 1 -W 1 "$PEER4" "$PEER6"
  responder_stop
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_run_packets_received "$d" 3
    expect_metric "$out" netprom_ping_reply_ttl "$d" 63
    # The table row: name, 1/1, 0%, then the TTL column.
    grep -Eq "^$d +1/1 +0% +63 " "$table" || { cat "$table" >&2; fail "no TTL 63 in the table row of $d"; }
  done
}

for_each_path scenario
echo "ok"
