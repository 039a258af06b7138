#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# With ping_group_range closed ("1 0", a fresh namespace's default) and no CAP_NET_RAW (uid
# 65534), no ICMP socket can be opened: exit 77 and one line on standard error with a hint that
# names ping_group_range and cap_net_raw. The interface counters are still written, with
# netprom_collector_success{collector="ping"} 0 and no ping samples.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM"
netns_setup

range=$(in_client sysctl -n net.ipv4.ping_group_range | tr -s '\t ' ' ')
[ "$range" = "1 0" ] || fail "fresh namespace has ping_group_range '$range', expected '1 0'"
rc=0
as_nobody "$NETPROM" "${NETPROM_BASE[@]}" -c 1 -W 0.2 "$PEER4" >"$RSP_TMP/out" 2>"$RSP_TMP/err" || rc=$?
echo "--- stderr:"
cat "$RSP_TMP/err"
[ "$rc" = 77 ] || fail "expected exit 77, got $rc"
lines=$(wc -l <"$RSP_TMP/err")
[ "$lines" = 1 ] || fail "expected one line on stderr, got $lines"
grep -q '^netprom: error: ' "$RSP_TMP/err" || fail "expected stderr to start with 'netprom: error: '"
grep -q 'ping_group_range' "$RSP_TMP/err" || fail "expected a hint naming ping_group_range on stderr"
grep -q 'cap_net_raw' "$RSP_TMP/err" || fail "expected a hint naming cap_net_raw on stderr"

# The same run with interface counters: they are written, and the ping collector reports failure.
rc=0
as_nobody "$NETPROM" --config /dev/null -o - -c 1 -W 0.2 "$PEER4" >"$RSP_TMP/out" 2>"$RSP_TMP/err" || rc=$?
[ "$rc" = 77 ] || fail "with interfaces: expected exit 77, got $rc"
grep -qx 'netprom_collector_success{collector="ping"} 0' "$RSP_TMP/out" || fail "no collector_success ping 0"
grep -qx 'netprom_collector_success{collector="interfaces"} 1' "$RSP_TMP/out" || fail "no collector_success interfaces 1"
grep -q '^netprom_network_receive_bytes_total{device="lo"} ' "$RSP_TMP/out" || fail "interface counters missing"
grep -q '^netprom_ping_' "$RSP_TMP/out" && fail "ping samples written although ping failed"
echo "ok"
