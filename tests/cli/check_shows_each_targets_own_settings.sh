#!/usr/bin/env bash
# Per-[[target]] settings: --check lists each destination's settings where they differ from the
# run's; the command line still wins; -M takes do|dont only; a bad per-target value is exit 78
# at its line; a target whose own plan outlasts the deadline is exit 78 naming that target.
. "$(dirname "$0")/lib.sh"
cat >"$scratch/netprom.toml" <<'TOML'
count = 3
[[target]]
name = "plain"
host = "192.0.2.1"
[[target]]
name = "own"
host = "192.0.2.2"
count = 1
interval = 0.5
size = 1400
ttl = 2
tos = 184
dont_fragment = true
TOML
expect_exit 0 "$NETPROM" --config "$scratch/netprom.toml" -o "$scratch/n.prom" --no-interfaces --check
# The plan; the settings' origins and the host's readiness follow it (check_tells_whether_*).
sed '/^settings:$/,$d' "$scratch/out" | diff -u - <(cat <<EOF
config: $scratch/netprom.toml
output: $scratch/n.prom
format: prom
ping: 3 requests per destination, 1 s apart, timeout 2 s, deadline 50 s, 56 bytes
  plain -> 192.0.2.1   ($scratch/netprom.toml:2:1)
  own -> 192.0.2.2   ($scratch/netprom.toml:5:1, count 1, interval 0.5 s, 1400 bytes, ttl 2, tos 184, don't fragment)
interfaces: off
EOF
) || fail "plan differs"
grep -qxF "  --count: $scratch/netprom.toml:1:9" "$scratch/out" || fail "no origin for count: $(cat "$scratch/out")"
expect_exit 0 "$NETPROM" --config "$scratch/netprom.toml" -o "$scratch/n.prom" --no-interfaces --check -c 2 -M do
grep -qxF "  plain -> 192.0.2.1   ($scratch/netprom.toml:2:1)" "$scratch/out" || fail "plain: $(cat "$scratch/out")"
grep -qxF "  own -> 192.0.2.2   ($scratch/netprom.toml:5:1, interval 0.5 s, 1400 bytes, ttl 2, tos 184)" "$scratch/out" ||
  fail "command line does not win: $(cat "$scratch/out")"
expect_exit 64 "$NETPROM" --config "$scratch/netprom.toml" --check -M want
[ "$(cat "$scratch/err")" = "netprom: error: --dont-fragment must be do or dont, got 'want' (see 'netprom --help')" ] ||
  fail "stderr: $(cat "$scratch/err")"
printf '[[target]]\nhost = "192.0.2.1"\nttl = 300\n' >"$scratch/bad.toml"
expect_exit 78 "$NETPROM" --config "$scratch/bad.toml" --check
[ "$(cat "$scratch/err")" = "netprom: error: $scratch/bad.toml:3:7: ttl must be a whole number from 1 to 255, got 300" ] ||
  fail "stderr: $(cat "$scratch/err")"
printf 'deadline = 5\n[[target]]\nname = "long"\nhost = "192.0.2.1"\ncount = 10\n' >"$scratch/long.toml"
expect_exit 78 "$NETPROM" --config "$scratch/long.toml" --check
[ "$(cat "$scratch/err")" = "netprom: error: target 'long' ($scratch/long.toml:2:1) needs (count - 1) * interval + timeout = 11 s, more than deadline 5 s; raise deadline or lower the target's count, interval or timeout" ] ||
  fail "stderr: $(cat "$scratch/err")"
echo ok
