#!/usr/bin/env bash
# A config of one dotted key 150,000 levels deep (300 KB), arrays nested 100,000 deep, or a
# 5 MB file: exit 78 with one line, never a crash (toml++ parses nesting by recursion).
. "$(dirname "$0")/lib.sh"
cfg=$scratch/deep.toml
python3 -c 'print("a." * 150000 + "b = 1")' >"$cfg"
expect_exit 78 "$NETPROM" --config "$cfg" --check
expect_stderr "netprom: error: $cfg: line 1: a key with more than 64 dotted parts"
python3 -c 'print("buckets = " + "[" * 100000)' >"$cfg"
expect_exit 78 "$NETPROM" --config "$cfg" --check
expect_stderr "netprom: error: $cfg: line 1: arrays or inline tables nested more than 64 deep"
head -c 5000000 /dev/zero | tr '\0' '#' >"$cfg"
expect_exit 78 "$NETPROM" --config "$cfg" --check
expect_stderr "netprom: error: $cfg: the file is 5000000 bytes, more than the 4194304 a config can need"
echo ok
