#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Interface names holding '"', '\' and non-ASCII bytes (the kernel forbids '/', ':' and white
# space, so no newline) reach node_exporter escaped and come back out of it intact. Names that
# are not UTF-8 (bytes 0x80-0xff on their own) are written with \xHH text: the file passes
# promtool, node_exporter serves it (node_textfile_scrape_error 0), every device apart, and a
# device whose name is the text \xff is not confused with the byte 0xff.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root (creates a network namespace)"
need_node_exporter
ns=e2eh$$
cleanup_hooks+=("ip netns del $ns 2>/dev/null")
ip netns add "$ns"
ip -n "$ns" link set lo up
names=('q"uote' 'back\slash' 'caf'$'\xc3\xa9''-ü' 'x"\\y')
ip -n "$ns" link add "${names[0]}" type veth peer name "${names[1]}"
ip -n "$ns" link add "${names[2]}" type veth peer name "${names[3]}"
# Not UTF-8: a lone 0xff, a lone continuation byte, a cut two-byte sequence, and the text \xff.
raw=('v'$'\xff' 'w'$'\x80''"q' 'x'$'\xc3' 'v\xff')
want=('v\xff' 'w\x80"q' 'x\xc3' 'v\\xff')
ip -n "$ns" link add "${raw[0]}" type veth peer name "${raw[1]}"
ip -n "$ns" link add "${raw[2]}" type veth peer name "${raw[3]}"
mkdir "$scratch/textfile"
ip netns exec "$ns" "$NETPROM" --config /dev/null --no-ping -o "$scratch/textfile/netprom.prom"
need promtool
promtool check metrics <"$scratch/textfile/netprom.prom" >"$scratch/promtool" 2>&1 || fail "promtool: $(cat "$scratch/promtool")"
[ ! -s "$scratch/promtool" ] || fail "promtool warned: $(cat "$scratch/promtool")"
ip netns exec "$ns" "$NETPROM" --config /dev/null --no-ping -o - --format table >"$scratch/table"
iconv -f UTF-8 -t UTF-8 "$scratch/table" >/dev/null || fail "the table is not UTF-8"
grep -qF 'v\xff ' "$scratch/table" || fail "the table does not show v\\xff: $(cat "$scratch/table")"
start_node_exporter "$scratch/textfile"
scrape "$scratch/scrape"
grep -qx 'node_textfile_scrape_error 0' "$scratch/scrape" || fail "node_exporter could not read the file"
prom compare "$scratch/textfile/netprom.prom" "$scratch/scrape" || fail "served samples differ from the file"
for name in "${names[@]}"; do
  got=$(prom value "$scratch/scrape" netprom_network_up device="$name")
  [ "$got" = 0.0 ] || fail "device [$name]: netprom_network_up is $got in the scrape, want 0.0 (a down veth)"
done
for name in "${want[@]}"; do
  got=$(prom value "$scratch/scrape" netprom_network_up device="$name")
  [ "$got" = 0.0 ] || fail "device [$name]: netprom_network_up is $got in the scrape, want 0.0"
done
[ "$(grep -c '^netprom_network_up{' "$scratch/scrape")" = 9 ] || fail "not 9 devices apart: $(grep '^netprom_network_up{' "$scratch/scrape")"
grep -qF 'netprom_network_up{device="q\"uote"} 0' "$scratch/scrape" || fail "quote not escaped as \\\" in the scrape"
grep -qF 'netprom_network_up{device="back\\slash"} 0' "$scratch/scrape" || fail "backslash not escaped as \\\\"
echo ok
