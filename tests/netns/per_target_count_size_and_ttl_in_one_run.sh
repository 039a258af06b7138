#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two [[target]]s with their own count, size and ttl in one run: the IPv4 one gets 2 requests
# of 200 payload bytes with TTL 2, the IPv6 one 4 of 100 bytes with hop limit 5 (the file's
# count = 3 applies to neither). The responder counts the requests per family; nft counters in
# the peer namespace count those with exactly that TTL / hop limit and length. Raw and
# datagram sockets.
set -eu
. "$(dirname "$0")/lib.sh"
need_root
need_tools nft
need_binary "$NETPROM" "$RESPONDER"
netns_setup

cat >"$RSP_TMP/t.toml" <<TOML
count = 3
[[target]]
name = "v4"
host = "$PEER4"
count = 2
size = 200
ttl = 2
[[target]]
name = "v6"
host = "$PEER6"
count = 4
size = 100
ttl = 5
TOML
chmod 0644 "$RSP_TMP/t.toml"

# The peer's counters: IPv4 total length 20 + 8 + 200, IPv6 payload length 8 + 100.
nft_counters() {
  ip netns exec "$NS_P" nft -f - <<NFT
table inet probe {
  chain in {
    type filter hook input priority 0;
    icmp type echo-request ip ttl 2 ip length 228 counter
    icmpv6 type echo-request ip6 hoplimit 5 ip6 length 108 counter
  }
}
NFT
}
nft_count() {  # nft_count WORD: packets of the rule that mentions WORD
  ip netns exec "$NS_P" nft list chain inet probe in | awk -v w="$1" 'index($0, w) { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

scenario() {
  nft_counters
  responder_start
  local out=$RSP_TMP/pt.$PATH_NAME.prom
  run_ok "$out" $RUN "$NETPROM" --config "$RSP_TMP/t.toml" --no-interfaces -o - -i 0.1 -W 0.5
  responder_stop
  expect_metric "$out" netprom_ping_run_packets_sent v4 2
  expect_metric "$out" netprom_ping_run_packets_received v4 2
  expect_metric "$out" netprom_ping_run_packets_sent v6 4
  expect_metric "$out" netprom_ping_run_packets_received v6 4
  [ "$(responder_count ipv4)" = 2 ] || fail "responder saw $(responder_count ipv4) IPv4 requests, expected 2"
  [ "$(responder_count ipv6)" = 4 ] || fail "responder saw $(responder_count ipv6) IPv6 requests, expected 4"
  [ "$(nft_count 'ttl 2')" = 2 ] || fail "$(nft_count 'ttl 2') IPv4 requests with TTL 2 and 228 bytes, expected 2"
  [ "$(nft_count 'hoplimit 5')" = 4 ] || fail "$(nft_count 'hoplimit 5') IPv6 requests with hop limit 5 and 108 bytes, expected 4"
  ip netns exec "$NS_P" nft delete table inet probe
}

for_each_path scenario
echo "ok"
