#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A name server that swallows every query (no answer, no ICMP error) must not hold netprom past
# --deadline: with --deadline 2 the run ends in under 5 s (the system resolver alone, getent,
# is shown to wait past 5.5 s), exits 0 and reports the name down. The 3 s between deadline and
# bound are there so that a loaded machine cannot make the bound flake.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_tools unshare mount getent
need_binary "$NETPROM" "$RESPONDER"
netns_setup

responder_start --silent-dns "$PEER4"
echo "nameserver $PEER4" >"$RSP_TMP/resolv.conf"
# Only inside a private mount namespace, so the host's resolv.conf is never touched.
with_silent_dns() {
  in_client unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$RSP_TMP/resolv.conf" "$@"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# First prove the setup: the system resolver really hangs on this name server.
start=$(now_ms)
rc=0
with_silent_dns timeout 5.5 getent hosts some.name.test >/dev/null || rc=$?
took=$(($(now_ms) - start))
echo "getent hosts: exit $rc after ${took} ms"
[ "$rc" = 124 ] || fail "expected getent to hang until timeout (exit 124), got exit $rc after ${took} ms"

out=$RSP_TMP/out.prom
start=$(now_ms)
rc=0
with_silent_dns "$NETPROM" "${NETPROM_BASE[@]}" --deadline 2 -c 1 -W 1 some.name.test >"$out" 2>"$out.err" || rc=$?
took=$(($(now_ms) - start))
echo "netprom --deadline 2: exit $rc after ${took} ms"
cat "$out.err"
[ "$rc" = 0 ] || fail "expected exit 0, got $rc"
[ "$took" -lt 5000 ] || fail "expected the run to end in under 5000 ms, took ${took} ms"
expect_metric "$out" netprom_ping_up some.name.test 0
expect_metric "$out" netprom_ping_run_packets_sent some.name.test 0
expect_metric "$out" netprom_ping_rtt_avg_seconds some.name.test absent
expect_metric "$out" netprom_ping_target_info some.name.test absent
responder_stop
[ "$(responder_count dns)" -ge 1 ] || fail "the silent name server saw no query from netprom"
echo "ok"
