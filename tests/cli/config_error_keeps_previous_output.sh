#!/usr/bin/env bash
# A broken or misspelled config exits 78 naming file:line:column, and the previous output stays byte for byte.
. "$(dirname "$0")/lib.sh"
out=$scratch/out.d/netprom.prom
mkdir "$scratch/out.d"
printf 'previous 1\n' >"$out"
cp "$out" "$scratch/before"
cfg=$scratch/netprom.toml

printf 'count = 3\nintervall = 0.5\n' >"$cfg"
expect_exit 78 "$NETPROM" --config "$cfg" -o "$out" --no-ping
expect_stderr "netprom: error: $cfg:2:1: unknown key 'intervall', did you mean 'interval'?"
cmp "$out" "$scratch/before" || fail "output changed"

printf 'count = 3\n[[target]\nhost = "::1"\n' >"$cfg"
expect_exit 78 "$NETPROM" --config "$cfg" -o "$out" --no-ping
grep -q "^netprom: error: $cfg:2:" "$scratch/err" || fail "no file:line in: $(cat "$scratch/err")"
[ "$(wc -l <"$scratch/err")" -eq 1 ] || fail "more than one line on stderr"

printf '[[target]]\nhost = "::1"\nlabels = { "bad-name" = "x" }\n' >"$cfg"
expect_exit 78 "$NETPROM" --config "$cfg" -o "$out" --no-ping
expect_stderr "netprom: error: $cfg:3:25: label name 'bad-name' must match [a-zA-Z_][a-zA-Z0-9_]*"

expect_exit 78 "$NETPROM" --config "$scratch/missing.toml" -o "$out" --no-ping
expect_stderr "netprom: error: cannot read config file $scratch/missing.toml: No such file or directory"

cmp "$out" "$scratch/before" || fail "output changed"
only_files "$scratch/out.d" netprom.prom
echo ok
