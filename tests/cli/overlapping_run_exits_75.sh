#!/usr/bin/env bash
# Two overlapping runs on one output: the second exits 75 with one line, the first's file is complete.
. "$(dirname "$0")/lib.sh"
out=$scratch/netprom.prom
"$NETPROM" --config /dev/null -o "$out" -c 4 -i 0.5 127.0.0.1 &
first=$!
cleanup_hooks+=("kill $first 2>/dev/null")
wait_for_sockets "$first"
expect_exit 75 "$NETPROM" --config /dev/null -o "$out" --no-ping
expect_stderr "netprom: error: $out is locked by another netprom run (lock file $scratch/.netprom.prom.lock); try again when it ends"
wait "$first" || fail "first run exited $?"
grep -q '^netprom_ping_run_packets_received{dest="127.0.0.1"} 4$' "$out" || fail "first run's file is not complete"
tail -n 1 "$out" | grep -q '^netprom_build_info{' || fail "file does not end with build_info"
only_files "$scratch" netprom.prom .netprom.prom.lock out err
echo ok
