#!/usr/bin/env bash
# An --interface-include or --interface-exclude pattern that matches no interface of the host
# (whole-name matching: 'lo' matches lo, 'l' does not) is obeyed with a warning on stderr, exit 0.
. "$(dirname "$0")/lib.sh"
expect_exit 0 "$NETPROM" --config /dev/null -o "$scratch/n.prom" --no-ping --interface-include l
expect_stderr "netprom: warning: --interface-include 'l' matches no interface on this host; patterns match the whole name ('eth.*' matches eth0, 'eth' does not)"
grep -q 'device=' "$scratch/n.prom" && fail "an interface was exported: $(grep device= "$scratch/n.prom")"
grep -q '^netprom_collector_success{collector="interfaces"} 1$' "$scratch/n.prom" || fail "interfaces collector failed"
expect_exit 0 "$NETPROM" --config /dev/null -o "$scratch/n.prom" --no-ping --interface-include lo --interface-exclude 'l'
expect_stderr "netprom: warning: --interface-exclude 'l' matches no interface on this host; patterns match the whole name ('eth.*' matches eth0, 'eth' does not)"
grep -q '^netprom_network_receive_bytes_total{device="lo"}' "$scratch/n.prom" || fail "lo missing"
expect_exit 0 "$NETPROM" --config /dev/null -o "$scratch/n.prom" --no-ping --interface-include 'l.' --interface-exclude 'nothing|lo'
expect_stderr ""
echo ok
