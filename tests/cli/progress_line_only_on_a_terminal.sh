#!/usr/bin/env bash
# A run over a second shows "done/total requests" on a terminal's stderr and erases it at the end;
# with stderr not a terminal, or a short run, stderr stays empty.
. "$(dirname "$0")/lib.sh"
cmd="$NETPROM --config /dev/null --no-interfaces -o $scratch/n.prom -c 4 -i 0.5 127.0.0.1 ::1"
TERM=xterm script -qec "$cmd" /dev/null >"$scratch/tty" </dev/null
grep -q 'netprom: [0-9]*/8 requests ([0-9]*%), [1-9][0-9]*\.[0-9] s' "$scratch/tty" || fail "no progress line: $(cat -v "$scratch/tty")"
tail -c 4 "$scratch/tty" | grep -q $'\033\[K' || fail "the progress line was not erased at the end"
$cmd 2>"$scratch/err"
[ ! -s "$scratch/err" ] || fail "progress written to a non-terminal: $(cat -v "$scratch/err")"
TERM=xterm script -qec "$NETPROM --config /dev/null --no-interfaces -o $scratch/n.prom -c 1 127.0.0.1" /dev/null >"$scratch/short" </dev/null
[ ! -s "$scratch/short" ] || fail "progress shown for a run under a second: $(cat -v "$scratch/short")"
echo ok
