#!/usr/bin/env bash
# A run at a terminal never replaces the configured output (the timer's file) unless -o is on its
# own command line: it prints a table to the terminal instead. Without a terminal the configured
# output is written; with no output anywhere the exposition goes to standard output. A table is
# never written to a file: usage error 64 from the command line, 78 from the config.
. "$(dirname "$0")/lib.sh"
timer="$scratch/timer.prom"
printf 'output = "%s"\n' "$timer" >"$scratch/netprom.toml"
echo previous >"$timer"
run="$NETPROM --config $scratch/netprom.toml --no-ping --interface-include lo"

# script(1) gives the command a pseudo-terminal.
TERM=dumb script -qec "$run" /dev/null >"$scratch/tty" </dev/null
[ "$(cat "$timer")" = previous ] || fail "a run at a terminal replaced the configured output"
grep -q '^lo .* up ' "$scratch/tty" || fail "no table on the terminal: $(cat "$scratch/tty")"
grep -q '^# HELP' "$scratch/tty" && fail "exposition on the terminal, want the table"

TERM=dumb script -qec "$run -o $timer" /dev/null >"$scratch/tty" </dev/null
grep -q '^netprom_network_receive_bytes_total{device="lo"}' "$timer" || fail "-o at a terminal did not write: $(cat "$timer")"
[ ! -s "$scratch/tty" ] || fail "output on the terminal with -o: $(cat "$scratch/tty")"

echo previous >"$timer"
expect_exit 0 $run
grep -q '^netprom_network_receive_bytes_total{device="lo"}' "$timer" || fail "no run without a terminal wrote the configured output"
[ ! -s "$scratch/out" ] || fail "standard output in a pipe with a configured output: $(cat "$scratch/out")"

expect_exit 0 "$NETPROM" --config /dev/null --no-ping --interface-include lo
grep -q '^netprom_network_receive_bytes_total{device="lo"}' "$scratch/out" || fail "no exposition on standard output"

expect_exit 64 "$NETPROM" --config /dev/null --no-ping --format table -o "$scratch/t.prom"
expect_stderr "netprom: error: --format table: a table cannot be written to $scratch/t.prom (node_exporter reads only the prom format); leave out -o or use --format prom (see 'netprom --help')"
printf 'output = "%s"\nformat = "table"\n' "$timer" >"$scratch/table.toml"
expect_exit 78 "$NETPROM" --config "$scratch/table.toml" --no-ping
expect_stderr "netprom: error: $scratch/table.toml:2:10: format = \"table\": a table cannot be written to $timer (node_exporter reads only the prom format); remove it or the output"
[ ! -e "$scratch/t.prom" ] || fail "the refused run wrote a file"
echo ok
