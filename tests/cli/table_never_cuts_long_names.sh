#!/usr/bin/env bash
# --format table never cuts a destination name so that two rows look the same: a name too long
# for its column goes on a line of its own, whole, and the table stays within 80 columns.
. "$(dirname "$0")/lib.sh"
one=a-destination-with-a-long-name-1
two=a-destination-with-a-long-name-2
expect_exit 0 "$NETPROM" --config /dev/null --format table --no-interfaces -c 1 -W 1 "$one=127.0.0.1" "$two=127.0.0.2"
grep -qx "$one (127.0.0.1)" "$scratch/out" || fail "no whole line for $one: $(cat "$scratch/out")"
grep -qx "$two (127.0.0.2)" "$scratch/out" || fail "no whole line for $two: $(cat "$scratch/out")"
[ "$(grep -c '^  *1/1  *0% ' "$scratch/out")" = 2 ] || fail "want two rows of 1/1 below the names: $(cat "$scratch/out")"
awk 'length($0) > 80 { exit 1 }' "$scratch/out" || fail "a line is wider than 80 columns"
echo ok
