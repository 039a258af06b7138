#!/usr/bin/env bash
# --pmtu and `pmtu = true` both turn path MTU discovery on, as --check says; a value that is not
# true/false is a config error naming the key.
. "$(dirname "$0")/lib.sh"
plan="ping: 5 requests per destination, 1 s apart, timeout 2 s, deadline 50 s, 56 bytes, path MTU discovery"
expect_exit 0 "$NETPROM" --config /dev/null -o - --check --pmtu 127.0.0.1
grep -qx "$plan" "$scratch/out" || { cat "$scratch/out"; fail "--pmtu not in the plan"; }
printf 'pmtu = true\n' >"$scratch/on.toml"
expect_exit 0 "$NETPROM" --config "$scratch/on.toml" -o - --check 127.0.0.1
grep -qx "$plan" "$scratch/out" || { cat "$scratch/out"; fail "pmtu = true not in the plan"; }
expect_exit 0 "$NETPROM" --config /dev/null -o - --check 127.0.0.1
! grep -q "path MTU" "$scratch/out" || fail "path MTU discovery without --pmtu"
printf 'pmtu = 1\n' >"$scratch/bad.toml"
expect_exit 78 "$NETPROM" --config "$scratch/bad.toml" -o - --check 127.0.0.1
expect_stderr "netprom: error: $scratch/bad.toml:1:8: pmtu must be true or false"
echo ok
