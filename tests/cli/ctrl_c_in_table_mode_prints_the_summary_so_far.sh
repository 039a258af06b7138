#!/usr/bin/env bash
# Ctrl-C (SIGINT) in table mode at a terminal: the run stops pinging, prints the table of what
# it has seen so far, as ping does, and exits 130, long before its 1000 requests are done.
. "$(dirname "$0")/lib.sh"
# script(1) gives the command a pseudo-terminal; the inner shell records netprom's pid.
TERM=dumb script -qec "sh -c 'echo \$\$ >$scratch/pid; exec $NETPROM --config /dev/null -c 1000 -i 0.05 -w 100 \
  --interface-include lo 127.0.0.1'" /dev/null >"$scratch/tty" </dev/null &
script_pid=$!
cleanup_hooks+=("kill -9 $script_pid 2>/dev/null")
for _ in $(seq 200); do [ -s "$scratch/pid" ] && break; sleep 0.01; done
pid=$(cat "$scratch/pid")
wait_for_sockets "$pid"
sleep 0.5
kill -s INT "$pid" || fail "the run had already ended: $(cat "$scratch/tty")"
rc=0; wait "$script_pid" || rc=$?
[ "$rc" -eq 130 ] || fail "exit $rc, want 130: $(cat "$scratch/tty")"
tr -d '\r' <"$scratch/tty" >"$scratch/table"
row=$(grep '^127\.0\.0\.1 ' "$scratch/table") || fail "no 127.0.0.1 row: $(cat "$scratch/table")"
sent=$(echo "$row" | awk '{print $2}' | cut -d/ -f1)
[ "$sent" -ge 1 ] && [ "$sent" -lt 1000 ] || fail "sent $sent, want 1 to 999: $row"
grep -q '^lo .* up ' "$scratch/table" || fail "no lo row: $(cat "$scratch/table")"
grep -q 'not sent' "$scratch/table" && fail "a deadline warning for a run the user stopped: $(cat "$scratch/table")"
echo ok
