#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# With no destination anywhere, netprom pings the default IPv4 and IPv6 gateways of the main
# routing table, named "gateway" and "gateway-ipv6"; a route in another table is not used.
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test
in_client ip route add default via "$PEER4"
in_client ip -6 route add default via "$PEER6"
in_client ip route add default via 198.18.0.3 table 100
responder_start
out=$RSP_TMP/gateways.prom
run_ok "$out" in_client "$NETPROM" "${NETPROM_BASE[@]}" -c 2 -i 0.1 -W 0.5
responder_stop
expect_metric "$out" netprom_ping_run_packets_received gateway 2
expect_metric "$out" netprom_ping_run_packets_received gateway-ipv6 2
grep -qx 'netprom_ping_target_info{dest="gateway",address="198.18.0.2",family="ipv4"} 1' "$out" || fail "no IPv4 gateway info: $(cat "$out")"
grep -qx 'netprom_ping_target_info{dest="gateway-ipv6",address="fd00::2",family="ipv6"} 1' "$out" || fail "no IPv6 gateway info"
grep -q '198.18.0.3' "$out" && fail "pinged a default route of table 100"
[ "$(responder_count total)" = 4 ] || fail "responder saw $(responder_count total) requests, expected 4"
echo ok
