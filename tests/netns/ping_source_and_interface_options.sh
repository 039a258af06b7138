#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --source sends from the given address (the peer sees it); -I binds to an interface: through
# the veth the peer answers, through lo nothing gets there and every request is lost.
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test
in_client ip addr add 198.18.0.11/24 dev "$VETH_C"
in_client ip addr add fd00::11/64 dev "$VETH_C" nodad
responder_start
out=$RSP_TMP/source.prom
run_ok "$out" in_client "$NETPROM" "${NETPROM_BASE[@]}" -c 2 -i 0.1 -W 0.5 --source 198.18.0.11 "$PEER4"
run_ok "$out.6" in_client "$NETPROM" "${NETPROM_BASE[@]}" -c 2 -i 0.1 -W 0.5 --source fd00::11 "$PEER6"
run_ok "$out.veth" in_client "$NETPROM" "${NETPROM_BASE[@]}" -c 2 -i 0.1 -W 0.5 -I "$VETH_C" "$PEER4"
run_ok "$out.lo" in_client "$NETPROM" "${NETPROM_BASE[@]}" -c 2 -i 0.1 -W 0.3 -I lo "$PEER4"
responder_stop
expect_metric "$out" netprom_ping_run_packets_received "$PEER4" 2
expect_metric "$out.6" netprom_ping_run_packets_received "$PEER6" 2
[ "$(responder_count source 198.18.0.11)" = 2 ] || fail "peer saw $(responder_count source 198.18.0.11) requests from 198.18.0.11, expected 2"
[ "$(responder_count source fd00::11)" = 2 ] || fail "peer saw $(responder_count source fd00::11) requests from fd00::11, expected 2"
expect_metric "$out.veth" netprom_ping_run_packets_received "$PEER4" 2
expect_metric "$out.lo" netprom_ping_run_packets_sent "$PEER4" 2
expect_metric "$out.lo" netprom_ping_run_packets_received "$PEER4" 0
expect_metric "$out.lo" netprom_ping_up "$PEER4" 0
echo ok
