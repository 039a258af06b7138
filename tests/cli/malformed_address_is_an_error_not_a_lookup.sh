#!/usr/bin/env bash
# A host written like an address but not a valid one, or of the family -4/-6 excludes, is refused
# before any lookup: exit 64 on the command line, 78 with file:line in a targets or config file.
. "$(dirname "$0")/lib.sh"
hint="(see 'netprom --help')"
usage() {  # usage EXPECTED-STDERR ARGS...
  local want=$1; shift
  expect_exit 64 "$NETPROM" --config /dev/null -o "$scratch/n.prom" "$@"
  expect_stderr "netprom: error: $want $hint"
}
all_numeric="is not an IPv4 address (an all-numeric dotted name is never a host name)"
usage "destination '300.1.1.1': host '300.1.1.1' $all_numeric" 300.1.1.1
usage "destination 'x=1.2.3': host '1.2.3' of target 'x' $all_numeric" x=1.2.3
usage "destination '127.0.0.1:80': host '127.0.0.1:80' is not an IPv6 address (ICMP has no ports)" 127.0.0.1:80
usage "destination 'fe80::1%nosuch': host 'fe80::1%nosuch': no interface 'nosuch' on this host" 'fe80::1%nosuch'
usage "destination '1.2.3.4%lo': host '1.2.3.4%lo': only an IPv6 address may carry a %zone" '1.2.3.4%lo'
usage "destination '::1': host '::1' is an IPv6 address, but -4 (ipv4) asks for IPv4 only" -4 ::1
usage "destination '198.18.0.2': host '198.18.0.2' is an IPv4 address, but -6 (ipv6) asks for IPv6 only" -6 198.18.0.2
# Names and good literals pass (--check: no packets, no lookups).
expect_exit 0 "$NETPROM" --config /dev/null -o - --check 127.0.0.1 ::1 'fe80::1%lo' 'fe80::1%1' host.example

printf '127.0.0.1\n  1.2.3\n' >"$scratch/list"
expect_exit 78 "$NETPROM" --config /dev/null -o "$scratch/n.prom" -f "$scratch/list"
expect_stderr "netprom: error: $scratch/list:2:3: host '1.2.3' $all_numeric"
printf '[[target]]\nname = "a"\nhost = "::1"\nfamily = "ipv4"\n' >"$scratch/t.toml"
expect_exit 78 "$NETPROM" --config "$scratch/t.toml" -o "$scratch/n.prom"
expect_stderr "netprom: error: $scratch/t.toml:2:8: host '::1' of target 'a' is an IPv6 address, but its family is ipv4"
printf 'ipv6 = true\n[[target]]\nhost = "198.18.0.2"\n' >"$scratch/t.toml"
expect_exit 78 "$NETPROM" --config "$scratch/t.toml" -o "$scratch/n.prom" --check
expect_stderr "netprom: error: $scratch/t.toml:2:1: host '198.18.0.2' is an IPv4 address, but -6 (ipv6) asks for IPv6 only"
[ ! -e "$scratch/n.prom" ] || fail "an address error created the output"
echo ok
