#!/usr/bin/env bash
# Closed descriptors 0-2 are opened on /dev/null first thing: with standard output closed, the
# exposition never lands in a file netprom opened for itself (the state lock took fd 1 before),
# and writing to the closed standard output is an error (exit 73), not a silent success.
. "$(dirname "$0")/lib.sh"
state=$scratch/state
rc=0
"$NETPROM" --config /dev/null --no-ping -o - --state-dir "$state" >&- 2>"$scratch/err" || rc=$?
[ "$rc" = 73 ] || fail "closed stdout: exit $rc, want 73"
expect_stderr "netprom: error: cannot write standard output: Bad file descriptor"
# Pinging too, so the state directory and its lock are made: nothing went into them.
rc=0
"$NETPROM" --config /dev/null --no-interfaces --count 1 -W 1 -o - --state-dir "$state" lo=127.0.0.1 >&- 2>"$scratch/err" <&- || rc=$?
[ "$rc" = 73 ] || fail "closed stdout while pinging: exit $rc, want 73"
expect_stderr "netprom: error: cannot write standard output: Bad file descriptor"
for f in "$state"/.*.lock; do [ ! -s "$f" ] || fail "$f holds $(head -c 200 "$f")"; done
# Closed standard error and input: the run still writes its file.
"$NETPROM" --config /dev/null --no-ping -o "$scratch/n.prom" 2>&- <&- || fail "closed stderr/stdin: exit $?"
grep -q '^netprom_collector_success{collector="interfaces"} 1$' "$scratch/n.prom" || fail "no file written"
echo ok
