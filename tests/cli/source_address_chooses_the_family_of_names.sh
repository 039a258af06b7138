#!/usr/bin/env bash
# With --source, names resolve to the source's family only: localhost (127.0.0.1 in /etc/hosts)
# is pinged from 127.0.0.1, and with --source ::1 it is not pinged over IPv4 from a source that
# does not apply to it.
. "$(dirname "$0")/lib.sh"
getent ahostsv4 localhost | grep -q '^127\.0\.0\.1 ' || { echo "skip: localhost does not resolve to 127.0.0.1"; exit 77; }
getent ahostsv6 localhost | grep -qv "^::ffff:" && { echo "skip: localhost has an IPv6 address here"; exit 77; }
expect_exit 0 "$NETPROM" --config /dev/null -o - --no-interfaces -c 1 -W 1 --source 127.0.0.1 localhost
grep -q '^netprom_ping_target_info{dest="localhost",address="127.0.0.1",family="ipv4"} 1$' "$scratch/out" ||
  fail "localhost not pinged at 127.0.0.1: $(grep -v '^#' "$scratch/out")"
grep -q '^netprom_ping_up{dest="localhost"} 1$' "$scratch/out" || fail "localhost not up"
expect_exit 0 "$NETPROM" --config /dev/null -o - --no-interfaces -c 1 -W 1 --source ::1 localhost
grep -q 'netprom_ping_target_info{dest="localhost"' "$scratch/out" &&
  fail "localhost pinged over IPv4 with an IPv6 source: $(grep target_info "$scratch/out")"
grep -q '^netprom_ping_up{dest="localhost"} 0$' "$scratch/out" || fail "want up 0 for localhost"
echo ok
