#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Under valgrind memcheck (--leak-check=full, definite and indirect leaks are errors) netprom
# makes no memory error, leaks nothing and leaves no file descriptor of its own open at exit:
#   a ping run of 127.0.0.1 and ::1 with interfaces (exit 0, both up),
#   a --no-ping run (exit 0), and
#   a config error (exit 78, the error path frees everything too).
# The summary lines of each run are printed.
. "$(dirname "$0")/lib.sh"
need valgrind python3
need_icmp

# vg NAME WANT_EXIT ARGS...: runs netprom under valgrind; log in $scratch/NAME.vg.
vg() {
  local name=$1 want=$2; shift 2
  local rc=0 log=$scratch/$name.vg
  timeout 120 valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --track-fds=yes --log-file="$log" "$NETPROM" "$@" >"$scratch/$name.out" 2>"$scratch/$name.err" || rc=$?
  echo "$name: netprom $* -> exit $rc"
  grep -E 'ERROR SUMMARY|in use at exit|definitely lost|indirectly lost|All heap blocks|FILE DESCRIPTORS' "$log" |
    sed 's/^==[0-9]*== */    /'
  if [ "$rc" != "$want" ] || ! grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$log"; then
    echo "--- stderr:"; cat "$scratch/$name.err"
    echo "--- valgrind log:"; sed -n '/Command:/,$p' "$log" | head -n 80
    fail "$name: exit $rc and valgrind errors (see above), want exit $want and 0 errors"
  fi
  # Every descriptor open at exit but 0, 1, 2 must be inherited (valgrind's own log, the shell's).
  local leaked
  leaked=$(awk '/Open file descriptor/ { fd = $0; getline; if ($0 !~ /inherited from parent/) print fd }' "$log")
  [ -z "$leaked" ] || { sed -n '/FILE DESCRIPTORS/,/HEAP SUMMARY/p' "$log"; fail "$name: descriptors left open: $leaked"; }
}

vg ping 0 --config /dev/null -o "$scratch/ping.prom" -c 2 -i 0.2 127.0.0.1 ::1
for d in 127.0.0.1 ::1; do
  got=$(prom value "$scratch/ping.prom" netprom_ping_up "dest=$d")
  [ "$got" = 1.0 ] || fail "under valgrind netprom_ping_up{dest=\"$d\"} is $got, want 1.0"
done
grep -q '^netprom_network_receive_packets_total{device="lo"}' "$scratch/ping.prom" ||
  fail "under valgrind no receive packet counter for lo"

vg no-ping 0 --config /dev/null -o "$scratch/no-ping.prom" --no-ping
grep -q '^netprom_ping_' "$scratch/no-ping.prom" && fail "--no-ping wrote netprom_ping_* samples"
grep -q '^netprom_build_info' "$scratch/no-ping.prom" || fail "--no-ping wrote no netprom_build_info"

printf 'count = "five"\n' >"$scratch/bad.toml"
vg bad-config 78 --config "$scratch/bad.toml" -o "$scratch/bad.prom" --no-ping
[ ! -e "$scratch/bad.prom" ] || fail "a config error wrote $scratch/bad.prom"
echo ok
