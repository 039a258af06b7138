#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The client's link has MTU 1400; a request of 1400 payload bytes (1428-byte IPv4 packet,
# 1448-byte IPv6 packet) does not fit. Without -M do it goes out fragmented and is answered;
# with -M do (and with dont_fragment = true in a [[target]]) it is never fragmented: the send
# is refused (EMSGSIZE, a send error), nothing reaches the peer, and a small request with DF
# still gets through. IPv4 and IPv6, raw and datagram sockets.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_binary "$NETPROM" "$RESPONDER"
netns_setup
ip -n "$NS_C" link set "$VETH_C" mtu 1400
ip -n "$NS_P" link set "$VETH_P" mtu 1400

cat >"$RSP_TMP/df.toml" <<TOML
[[target]]
name = "big4"
host = "$PEER4"
dont_fragment = true
[[target]]
name = "big6"
host = "$PEER6"
dont_fragment = true
TOML
chmod 0644 "$RSP_TMP/df.toml"

scenario() {
  local out=$RSP_TMP/df.$PATH_NAME.prom d
  # Fragmented: the peer reassembles and answers.
  responder_start
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 1 -W 1 -s 1400 "$PEER4" "$PEER6"
  responder_stop
  for d in "$PEER4" "$PEER6"; do expect_metric "$out" netprom_ping_run_packets_received "$d" 1; done
  [ "$(responder_count total)" = 2 ] || fail "without DF the responder saw $(responder_count total) requests, expected 2"
  # Don't fragment, from the command line and from the config file: nothing leaves.
  responder_start
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 1 -W 1 -s 1400 -M do "$PEER4" "$PEER6"
  run_ok "$out.toml" $RUN "$NETPROM" --config "$RSP_TMP/df.toml" --no-interfaces -o - -c 1 -W 1 -s 1400
  responder_stop
  for d in "$PEER4" "$PEER6"; do
    expect_metric "$out" netprom_ping_run_packets_sent "$d" 0
    expect_metric "$out" netprom_ping_run_send_errors "$d" 1
    expect_metric "$out" netprom_ping_up "$d" 0
  done
  for d in big4 big6; do
    expect_metric "$out.toml" netprom_ping_run_packets_sent "$d" 0
    expect_metric "$out.toml" netprom_ping_run_send_errors "$d" 1
  done
  [ "$(responder_count total)" = 0 ] || fail "with DF the responder saw $(responder_count total) requests, expected 0"
  # A request that fits still goes and is answered. (Linux's default sets DF on such packets
  # too, so only the oversized request tells -M do from the default.)
  responder_start
  run_ok "$out" $RUN "$NETPROM" "${NETPROM_BASE[@]}" -c 2 -i 0.1 -W 1 -s 1300 -M do "$PEER4" "$PEER6"
  responder_stop
  for d in "$PEER4" "$PEER6"; do expect_metric "$out" netprom_ping_run_packets_received "$d" 2; done
}

for_each_path scenario
echo "ok"
