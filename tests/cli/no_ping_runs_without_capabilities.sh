#!/usr/bin/env bash
# --no-ping opens no ICMP socket, so it gives every capability up before collecting: as root the
# run clears its capability sets (capset to zero) before it opens the netlink socket or any
# output file.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (checks that root's capabilities are dropped)"; exit 77; }
command -v strace >/dev/null || fail "strace is missing (packaging/install-deps.sh test installs it)"
strace -f -qq -e trace=capset,socket,openat -o "$scratch/trace" "$NETPROM" --config /dev/null --no-ping -o "$scratch/n.prom"
grep -q '^[0-9]* *capset(.*{effective=0, permitted=0, inheritable=0}) = 0' "$scratch/trace" ||
  fail "no capset to zero: $(grep capset "$scratch/trace")"
first_cap=$(grep -n 'capset(' "$scratch/trace" | head -1 | cut -d: -f1)
first_nl=$(grep -n 'socket(AF_NETLINK' "$scratch/trace" | head -1 | cut -d: -f1)
first_out=$(grep -n "openat(.*$scratch/.*O_CREAT" "$scratch/trace" | head -1 | cut -d: -f1)
[ -n "$first_nl" ] && [ -n "$first_out" ] || fail "trace lacks the netlink socket or the output: $(cat "$scratch/trace")"
[ "$first_cap" -lt "$first_nl" ] || fail "capabilities dropped after the netlink socket"
[ "$first_cap" -lt "$first_out" ] || fail "capabilities dropped after the first file was created"
echo ok
