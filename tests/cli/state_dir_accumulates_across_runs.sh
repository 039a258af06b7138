#!/usr/bin/env bash
# --state-dir: three runs of 4 requests give _count 12 and packets_sent_total 12; a corrupt state
# starts fresh at 4 with one warning line and exit 0; the output passes promtool check metrics.
. "$(dirname "$0")/lib.sh"
state=$scratch/state
out=$scratch/netprom.prom
run() { "$NETPROM" --config /dev/null --no-interfaces --state-dir "$state" -o "$out" -c 4 -i 0.05 -W 1 lo=127.0.0.1 "$@"; }
value() { awk -v k="$1" '$1 == k { print $2 }' "$out"; }
for i in 1 2 3; do run 2>"$scratch/err"; [ ! -s "$scratch/err" ] || fail "run $i warned: $(cat "$scratch/err")"; done
[ "$(value 'netprom_ping_rtt_seconds_count{dest="lo"}')" = 12 ] || fail "count $(value 'netprom_ping_rtt_seconds_count{dest="lo"}'), want 12"
[ "$(value 'netprom_ping_packets_sent_total{dest="lo"}')" = 12 ] || fail "sent_total not 12"
[ "$(value 'netprom_ping_packets_received_total{dest="lo"}')" = 12 ] || fail "received_total not 12"
[ "$(value 'netprom_ping_rtt_seconds_bucket{dest="lo",le="+Inf"}')" = 12 ] || fail "+Inf bucket not 12"
promtool check metrics <"$out" >"$scratch/promtool" 2>&1 || fail "promtool: $(cat "$scratch/promtool")"
[ ! -s "$scratch/promtool" ] || fail "promtool warned: $(cat "$scratch/promtool")"

echo "garbage" >"$state/netprom.prom.state"
run 2>"$scratch/err" || fail "a corrupt state failed the run"
expect="netprom: warning: state $state/netprom.prom.state is unusable: line 1: not a 'netprom-state 2' state file; starting fresh"
[ "$(cat "$scratch/err")" = "$expect" ] || fail "stderr [$(cat "$scratch/err")], want [$expect]"
[ "$(value 'netprom_ping_rtt_seconds_count{dest="lo"}')" = 4 ] || fail "after corruption count is not 4"
[ "$(value 'netprom_ping_packets_sent_total{dest="lo"}')" = 4 ] || fail "after corruption sent_total is not 4"

# A destination removed from the command line is dropped from the state.
"$NETPROM" --config /dev/null --no-interfaces --state-dir "$state" -o "$out" -c 1 -W 1 other=127.0.0.2
grep -q '"lo"' "$state/netprom.prom.state" && fail "removed destination still in the state"
only_files "$state" netprom.prom.state .netprom.prom.state.lock
echo ok
