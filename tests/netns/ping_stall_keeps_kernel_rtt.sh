#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netprom stopped for 1.5 s (SIGSTOP, then SIGCONT) while replies to its requests arrive 200 ms
# after each request: the kernel's receive stamp decides the RTT and whether the reply was in
# time, so every reply counts with -W 1 and the largest RTT stays far below the stall
# (issue 14 item 3). On both paths (raw as root, datagram sockets as nobody).
set -eu
. "$(dirname "$0")/lib.sh"
netns_ping_test

scenario() {
  responder_start --delay 200
  local out=$RSP_TMP/stall.$PATH_NAME.prom
  $RUN "$NETPROM" "${NETPROM_BASE[@]}" --count 5 -i 0.25 -W 1 "$PEER4" "$PEER6" >"$out" 2>"$out.err" &
  local pid=$!
  # Requests go out every 250 ms from the start: stopped after 600 ms, at least one reply
  # arrives while netprom cannot read it, however long netprom took to start.
  sleep 0.6
  kill -STOP "$pid"
  sleep 1.5
  kill -CONT "$pid"
  local rc=0
  wait "$pid" || rc=$?
  responder_stop
  [ "$rc" = 0 ] || { cat "$out.err" >&2; fail "expected exit 0, got $rc"; }
  grep '^netprom_ping_rtt_max' "$out"
  local d
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_run_packets_received "$d" 5
    expect_metric "$out" netprom_ping_run_packets_late "$d" 0
    expect_range "$out" netprom_ping_rtt_min_seconds "$d" 0.200 0.5
    expect_range "$out" netprom_ping_rtt_max_seconds "$d" 0.200 0.5
  done
}

for_each_path scenario
echo "ok"
