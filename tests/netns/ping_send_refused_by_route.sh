#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The client's own routing table refuses some destinations, so sendto(2) itself fails:
# "unreachable" routes give EHOSTUNREACH (IPv4) / ENETUNREACH (IPv6), "prohibit" routes
# EACCES. Each such request is counted in send_errors for its destination only, not as sent
# or lost (nothing left the host); the run goes on and the reachable peer gets all of its
# replies. IPv4 and IPv6, raw and datagram sockets.
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

UNREACH4=198.18.9.1 PROHIBIT4=198.18.10.1 UNREACH6=fd00:9::1 PROHIBIT6=fd00:10::1
in_client ip route add unreachable 198.18.9.0/24
in_client ip route add prohibit 198.18.10.0/24
in_client ip -6 route add unreachable fd00:9::/64
in_client ip -6 route add prohibit fd00:10::/64

scenario() {
  responder_start
  local out=$RSP_TMP/refused.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 3 -i 0.1 -W 0.5 \
    "$UNREACH4" "$PEER4" "$PROHIBIT4" "$UNREACH6" "$PEER6" "$PROHIBIT6"
  responder_stop
  local d
  for d in "$UNREACH4" "$PROHIBIT4" "$UNREACH6" "$PROHIBIT6"; do
    expect_metric "$out" netprom_ping_up "$d" 0
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 0
    expect_metric "$out" netprom_ping_run_send_errors "$d" 3
    expect_metric "$out" netprom_ping_run_packets_received "$d" 0
    expect_metric "$out" netprom_ping_loss_ratio "$d" absent
  done
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_up "$d" 1
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 3
    expect_metric "$out" netprom_ping_run_send_errors "$d" 0
    expect_metric "$out" netprom_ping_run_packets_received "$d" 3
    expect_metric "$out" netprom_ping_loss_ratio "$d" 0
  done
  [ "$(responder_count total)" = 6 ] || fail "responder saw $(responder_count total) requests, expected 6"
}

for_each_path scenario
echo "ok"
