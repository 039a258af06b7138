#!/usr/bin/env bash
# --check validates the configuration, prints the plan to stdout and exits 0 without pinging or
# writing; a broken config still exits 78.
. "$(dirname "$0")/lib.sh"
cat >"$scratch/netprom.toml" <<'TOML'
count = 3
interval = 0.5
interface_exclude = "veth.*"
[[target]]
name = "gateway"
host = "192.0.2.1"
labels = { site = "home" }
[[target]]
host = "fd00::1"
family = "ipv6"
TOML
expect_exit 0 "$NETPROM" --config "$scratch/netprom.toml" -o "$scratch/n.prom" --check
diff -u - "$scratch/out" <<EOF || fail "plan differs"
config: $scratch/netprom.toml
output: $scratch/n.prom
format: prom
ping: 3 requests per destination, 0.5 s apart, timeout 2 s, deadline 50 s, 56 bytes
  gateway -> 192.0.2.1 site="home"   ($scratch/netprom.toml:4:1)
  fd00::1 -> fd00::1 (ipv6)   ($scratch/netprom.toml:8:1)
interfaces: all except veth.*
settings:
  --output: command line
  --count: $scratch/netprom.toml:1:9
  --interval: $scratch/netprom.toml:2:12
  --interface-exclude: $scratch/netprom.toml:3:21
  every other setting: default
host: ready (a run would exit 0)
EOF
[ ! -s "$scratch/err" ] || fail "stderr: $(cat "$scratch/err")"
[ ! -e "$scratch/n.prom" ] && [ ! -e "$scratch/.n.prom.lock" ] || fail "--check wrote files"
echo 'count = 0' >>"$scratch/netprom.toml"
expect_exit 78 "$NETPROM" --config "$scratch/netprom.toml" --check
echo ok
