#!/usr/bin/env bash
# A --state-dir that cannot be used costs the history only: the run pings, writes its file with
# collector_success{collector="history"} 0 and no cumulative series, says why in one warning and
# exits 74. Outputs sharing a state directory keep their own state files and totals.
. "$(dirname "$0")/lib.sh"
run() { "$NETPROM" --config /dev/null --no-interfaces --count 2 -i 0.01 -W 1 -o "$1" --state-dir "$2" lo=127.0.0.1; }
value() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
check_lost() {  # OUTPUT: written, history 0, no cumulative series, the per-run ones there
  grep -qx 'netprom_collector_success{collector="history"} 0' "$1" || fail "$1: history not reported failed"
  grep -qx 'netprom_collector_success{collector="ping"} 1' "$1" || fail "$1: ping not reported"
  grep -qx 'netprom_ping_run_packets_sent{dest="lo"} 2' "$1" || fail "$1: per-run series missing"
  grep -q '_total{dest=\|^netprom_ping_rtt_seconds' "$1" && fail "$1: cumulative series without a state"
  [ "$(wc -l <"$scratch/err")" = 1 ] || fail "not one line on stderr: $(cat "$scratch/err")"
}

# Missing parent.
expect_exit 74 run "$scratch/a.prom" "$scratch/no/such/state"
check_lost "$scratch/a.prom"
expect_stderr "netprom: warning: cannot create state directory $scratch/no/such/state: No such file or directory; the cumulative series are left out of this run (exit 74)"

# A file where the directory should be.
touch "$scratch/plain"
expect_exit 74 run "$scratch/a.prom" "$scratch/plain"
check_lost "$scratch/a.prom"

# Read-only (as root, in a private mount namespace; as another user, by mode).
if [ "$(id -u)" -eq 0 ]; then
  export -f run fail expect_exit check_lost
  export scratch NETPROM
  unshare -m bash -eu -c '
    mount --make-rprivate /
    mkdir "$scratch/ro"
    mount -t tmpfs -o size=1m tmpfs "$scratch/ro"
    mount -o remount,ro "$scratch/ro"
    expect_exit 74 run "$scratch/a.prom" "$scratch/ro"
    check_lost "$scratch/a.prom"
    grep -q "Read-only file system" "$scratch/err" || fail "stderr: $(cat "$scratch/err")"
  '
fi

# Two outputs, one state directory: each its own totals, none reset by the other.
state=$scratch/shared
for i in 1 2 3; do
  run "$scratch/one.prom" "$state" 2>"$scratch/err" || fail "one.prom: exit $? $(cat "$scratch/err")"
  [ ! -s "$scratch/err" ] || fail "warned: $(cat "$scratch/err")"
  run "$scratch/two.prom" "$state" 2>"$scratch/err" || fail "two.prom: exit $?"
  [ ! -s "$scratch/err" ] || fail "warned: $(cat "$scratch/err")"
done
[ "$(value "$scratch/one.prom" 'netprom_ping_packets_sent_total{dest="lo"}')" = 6 ] || fail "one.prom's total is not 6"
[ "$(value "$scratch/two.prom" 'netprom_ping_packets_sent_total{dest="lo"}')" = 6 ] || fail "two.prom's total is not 6"
only_files "$state" one.prom.state .one.prom.state.lock two.prom.state .two.prom.state.lock
# Same file name in another directory: told apart by the path the state records, not reset.
mkdir "$scratch/other"
expect_exit 74 run "$scratch/other/one.prom" "$state"
check_lost "$scratch/other/one.prom"
grep -q "holds the totals of $scratch/one.prom, not of $scratch/other/one.prom" "$scratch/err" || fail "stderr: $(cat "$scratch/err")"
run "$scratch/one.prom" "$state"
[ "$(value "$scratch/one.prom" 'netprom_ping_packets_sent_total{dest="lo"}')" = 8 ] || fail "one.prom's total was reset"
echo ok
