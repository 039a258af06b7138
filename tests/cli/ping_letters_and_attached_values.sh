#!/usr/bin/env bash
# iputils ping's letters with values attached or apart, as --check reports them, and --help
# within 80 columns with no trailing space.
. "$(dirname "$0")/lib.sh"
printf '127.0.0.1\n' >"$scratch/list"
expect_exit 0 "$NETPROM" --config /dev/null -o - --check -c3 -i0.2 -W0.5 -w9 -s100 -t7 -Q16 -4 -f"$scratch/list"
grep -qx "ping: 3 requests per destination, 0.2 s apart, timeout 0.5 s, deadline 9 s, 100 bytes, IPv4 only, ttl 7, tos 16" \
  "$scratch/out" || { cat "$scratch/out"; fail "attached values not in the plan"; }
expect_exit 0 "$NETPROM" --config /dev/null -o - --check -c 3 -i 0.2 -W 0.5 -w 9 -s 100 -t 7 -Q 16 -4 -f "$scratch/list"
grep -qx "ping: 3 requests per destination, 0.2 s apart, timeout 0.5 s, deadline 9 s, 100 bytes, IPv4 only, ttl 7, tos 16" \
  "$scratch/out" || { cat "$scratch/out"; fail "values apart not in the plan"; }
expect_exit 0 "$NETPROM" --help
bad=$(awk 'length > 80 || / $/ { printf "line %d (%d columns): [%s]\n", NR, length, $0 }' "$scratch/out")
[ -z "$bad" ] || fail "--help lines too wide or ending in a space: $bad"
[ "$(wc -l <"$scratch/out")" -gt 20 ] || fail "--help is too short"
echo ok
