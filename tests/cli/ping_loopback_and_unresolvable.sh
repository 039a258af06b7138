#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `netprom -o - -c 3 -i 0.2 127.0.0.1 ::1 nowhere.invalid` exits 0: both loopback addresses up
# with RTTs, target_info and resolved 1, the unresolvable name up 0 and resolved 0 with nothing
# sent, no RTT and no target_info, and promtool finds nothing to say about the file. Runs in a
# private network and mount namespace whose resolv.conf points at 127.0.0.1, so the lookup of
# nowhere.invalid never leaves the machine (the query is refused at once).
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
NETPROM=${NETPROM:-$top/build/netprom}
if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root"; exit 77; fi
for t in unshare promtool; do
  command -v "$t" >/dev/null || { echo "skipped: needs $t"; exit 77; }
done
[ -x "$NETPROM" ] || { echo "FAIL: $NETPROM not built"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsp.$$.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
fail() { echo "FAIL: $*"; echo "--- output:"; cat "$tmp/out"; echo "--- stderr:"; cat "$tmp/err"; exit 1; }

rc=0
unshare -n -m sh -c 'ip link set lo up && mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
  sh "$tmp/resolv.conf" timeout 20 "$NETPROM" --config /dev/null --no-interfaces -o - -c 3 -i 0.2 \
  127.0.0.1 ::1 nowhere.invalid >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 0 ] || fail "expected exit 0, got $rc"

value() {  # NAME DEST -> value or "absent"
  awk -v name="$1" -v dest="dest=\"$2\"" 'index($0, name "{") == 1 && index($0, dest) { print $NF; f = 1; exit }
                                         END { if (!f) print "absent" }' "$tmp/out"
}
expect() {  # NAME DEST WANT
  local got
  got=$(value "$1" "$2")
  [ "$got" = "$3" ] || fail "$1{dest=\"$2\"}: expected $3, got $got"
}
positive() {  # NAME DEST: present and > 0 and < 1 s
  local got
  got=$(value "$1" "$2")
  awk -v v="$got" 'BEGIN { exit !(v != "absent" && v > 0 && v < 1) }' || fail "$1{dest=\"$2\"}: expected 0 < v < 1, got $got"
}

for d in 127.0.0.1 ::1; do
  expect netprom_ping_up "$d" 1
  expect netprom_ping_resolved "$d" 1
  expect netprom_ping_run_packets_sent "$d" 3
  expect netprom_ping_run_packets_received "$d" 3
  expect netprom_ping_loss_ratio "$d" 0
  for s in min avg max; do positive "netprom_ping_rtt_${s}_seconds" "$d"; done
  [ "$(value netprom_ping_rtt_stddev_seconds "$d")" != absent ] || fail "no rtt_stddev for $d"
done
grep -q '^netprom_ping_target_info{.*dest="127.0.0.1".*family="ipv4"' "$tmp/out" ||
  grep -q '^netprom_ping_target_info{.*family="ipv4".*dest="127.0.0.1"' "$tmp/out" ||
  fail "no target_info with family=\"ipv4\" for 127.0.0.1"
grep -q '^netprom_ping_target_info{.*dest="::1".*family="ipv6"' "$tmp/out" ||
  grep -q '^netprom_ping_target_info{.*family="ipv6".*dest="::1"' "$tmp/out" ||
  fail "no target_info with family=\"ipv6\" for ::1"

expect netprom_ping_up nowhere.invalid 0
expect netprom_ping_resolved nowhere.invalid 0
expect netprom_ping_run_packets_sent nowhere.invalid 0
for s in min avg max stddev; do expect "netprom_ping_rtt_${s}_seconds" nowhere.invalid absent; done
expect netprom_ping_target_info nowhere.invalid absent

lint=$(promtool check metrics <"$tmp/out" 2>&1) || fail "promtool check metrics failed: $lint"
[ -z "$lint" ] || fail "promtool check metrics said: $lint"
echo "ok"
