#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A name server that never answers must not cost the address literals a request: with
# --count 5 --deadline 6 and a name that cannot resolve, both literals get all 5 replies
# (issue 14 item 1), and while the name is being resolved on glibc's helper thread every task
# of the root-run netprom has dropped all capabilities (issue 13 item 7).
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_tools unshare mount
need_binary "$NETPROM" "$RESPONDER"
netns_setup

responder_start --silent-dns "$PEER4"
echo "nameserver $PEER4" >"$RSP_TMP/resolv.conf"
# resolv.conf is bind-mounted only inside a private mount namespace, so the host's is never touched.

out=$RSP_TMP/out.prom
# A simple command, not the function: in the background a function runs in a subshell.
ip netns exec "$NS_C" unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh \
  "$RSP_TMP/resolv.conf" "$NETPROM" "${NETPROM_BASE[@]}" --count 5 -i 0.5 --deadline 6 \
  nosuch.invalid "$PEER4" "$PEER6" >"$out" 2>"$out.err" &
pid=$!
# Half way through the pings the name is still unanswered; ip netns exec, unshare and sh exec
# netprom in place, so $pid is netprom. Every task must read CapEff 0.
sleep 1
tasks=0
for status in /proc/"$pid"/task/*/status; do
  [ -r "$status" ] || continue
  name=$(sed -n 's/^Name:[[:space:]]*//p' "$status")
  [ "$name" = netprom ] || [ "$tasks" -gt 0 ] || fail "pid $pid is '$name', not netprom"
  cap=$(sed -n 's/^CapEff:[[:space:]]*//p' "$status")
  echo "task $(basename "$(dirname "$status")") ($name): CapEff $cap"
  [ "$cap" = 0000000000000000 ] || fail "task $status has CapEff $cap while pinging"
  tasks=$((tasks + 1))
done
# The name is being resolved beside the pinging: glibc's helper thread must be there, or this
# test proved nothing about threads.
[ "$tasks" -ge 2 ] || fail "expected netprom and a resolver thread, found $tasks task(s)"
rc=0
wait "$pid" || rc=$?
cat "$out.err"
[ "$rc" = 0 ] || fail "expected exit 0, got $rc"
for d in "$PEER4" "$PEER6"; do
  expect_metric "$out" netprom_ping_run_packets_sent "$d" 5
  expect_metric "$out" netprom_ping_run_packets_received "$d" 5
  expect_metric "$out" netprom_ping_up "$d" 1
done
expect_metric "$out" netprom_ping_up nosuch.invalid 0
expect_metric "$out" netprom_ping_run_packets_sent nosuch.invalid 0
responder_stop
[ "$(responder_count dns)" -ge 1 ] || fail "the silent name server saw no query from netprom"
echo "ok"
