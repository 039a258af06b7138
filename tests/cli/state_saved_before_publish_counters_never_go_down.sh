#!/usr/bin/env bash
# Published cumulative counters never go down: the state is saved before the file that shows it
# is published. (1) A run killed between the two renames (strace injects SIGKILL on entry to the second)
# publishes nothing, and the next, smaller run adds to the saved totals. (2) A state directory on
# a full tmpfs: the run publishes no cumulative series, collector_success{collector="history"} 0,
# one warning, exit 74; once there is room again the totals go on from what was last saved.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (mounts a tiny tmpfs for the state directory)"; exit 77; }
command -v strace >/dev/null || fail "strace is missing (packaging/install-deps.sh test installs it)"
out=$scratch/netprom.prom
run() { "$NETPROM" --config /dev/null --no-interfaces --state-dir "$state" -o "$out" -i 0.01 -W 1 lo=127.0.0.1 "$@"; }
value() { awk -v k="$1" '$1 == k { print $2 }' "$out"; }
highest=0
# check_published: every cumulative series of the published file is at least what was shown before.
check_published() {
  local sent count
  sent=$(value 'netprom_ping_packets_sent_total{dest="lo"}')
  count=$(value 'netprom_ping_rtt_seconds_count{dest="lo"}')
  [ -z "$sent" ] && return 0  # left out this run
  [ "$sent" -ge "$highest" ] || fail "packets_sent_total went down: $highest -> $sent"
  [ "$count" -ge "$highest" ] || fail "rtt_seconds_count went down: $highest -> $count"
  highest=$sent
}

# (1) Killed between the two writes.
state=$scratch/state
run --count 4; check_published
[ "$highest" = 4 ] || fail "first run published $highest, want 4"
rc=0
strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 -e inject=rename,renameat,renameat2:signal=KILL:when=2 \
  "$NETPROM" --config /dev/null --no-interfaces --state-dir "$state" -o "$out" --count 4 -i 0.01 -W 1 lo=127.0.0.1 || rc=$?
[ "$rc" -ne 0 ] || fail "the run was not killed"
grep -q ' 8 ' "$state/netprom.prom.state" || fail "the killed run did not save its state first: $(cat "$state/netprom.prom.state")"
check_published
[ "$(value 'netprom_ping_packets_sent_total{dest="lo"}')" = 4 ] || fail "the killed run published"
run --count 1; check_published
[ "$highest" = 9 ] || fail "after the killed run published $highest, want 9 (4 + 4 saved + 1)"

# (2) A full state directory, in a private mount namespace so nothing leaks out.
export -f run value fail check_published
export scratch NETPROM out
unshare -m bash -eu -c '
  mount --make-rprivate /
  state=$scratch/tiny highest=0
  export state
  mkdir "$state"
  mount -t tmpfs -o size=64k tmpfs "$state"
  run --count 4; check_published
  dd if=/dev/zero of="$state/filler" bs=1k 2>/dev/null || true
  rc=0; run --count 4 2>"$scratch/err" || rc=$?
  [ "$rc" = 74 ] || fail "full state directory: exit $rc, want 74"
  grep -qx "netprom: warning: cannot write $state/.netprom.prom.state.[0-9]*.tmp: No space left on device; the cumulative series are left out of this run (exit 74)" "$scratch/err" ||
    fail "stderr was [$(cat "$scratch/err")]"
  [ "$(wc -l <"$scratch/err")" -eq 1 ] || fail "more than one line on stderr"
  grep -q "_total{" "$out" && fail "cumulative series published without a saved state"
  grep -q "^netprom_ping_rtt_seconds" "$out" && fail "histogram published without a saved state"
  grep -qx "netprom_collector_success{collector=\"history\"} 0" "$out" || fail "history not reported failed"
  grep -qx "netprom_ping_run_packets_sent{dest=\"lo\"} 4" "$out" || fail "the per-run series are missing"
  promtool check metrics <"$out" || fail "promtool rejects the file"
  rm "$state/filler"
  run --count 1; check_published
  [ "$highest" = 5 ] || fail "after the full disk published $highest, want 5"
  grep -qx "netprom_collector_success{collector=\"history\"} 1" "$out" || fail "history not back"
'
echo ok
