#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# With ping_group_range closed ("1 0", a fresh namespace's default) and no CAP_NET_RAW (uid
# 65534), no ICMP socket can be opened: exit 77 and one line on standard error with a hint that
# names ping_group_range.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM"
netns_setup

range=$(in_client sysctl -n net.ipv4.ping_group_range | tr -s '\t ' ' ')
[ "$range" = "1 0" ] || fail "fresh namespace has ping_group_range '$range', expected '1 0'"
rc=0
as_nobody "$NETPROM" "${NETPROM_BASE[@]}" -n 1 -W 0.2 "$PEER4" >"$RSP_TMP/out" 2>"$RSP_TMP/err" || rc=$?
echo "--- stderr:"
cat "$RSP_TMP/err"
[ "$rc" = 77 ] || fail "expected exit 77, got $rc"
lines=$(wc -l <"$RSP_TMP/err")
[ "$lines" = 1 ] || fail "expected one line on stderr, got $lines"
grep -q '^netprom: error: ' "$RSP_TMP/err" || fail "expected stderr to start with 'netprom: error: '"
grep -q 'ping_group_range' "$RSP_TMP/err" || fail "expected a hint naming ping_group_range on stderr"
echo "ok"
