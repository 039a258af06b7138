#!/usr/bin/env bash
# --format table: fits 80 columns; colour only on a terminal, and not with NO_COLOR set.
. "$(dirname "$0")/lib.sh"
cmd="$NETPROM --config /dev/null --format table -c 3 -i 0.05 -W 1 127.0.0.1 ::1 --interface-include lo"
$cmd >"$scratch/piped"
grep -q $'\033\[' "$scratch/piped" && fail "colour codes in piped output"
grep -q '^127.0.0.1 .* 3/3 .* 0% ' "$scratch/piped" || fail "no 127.0.0.1 row: $(cat "$scratch/piped")"
grep -q '^lo  .* up ' "$scratch/piped" || fail "no lo row"
python3 - "$scratch/piped" <<'PY' || fail "a line is wider than 80 columns"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
sys.exit(max(len(l) for l in lines) > 80)
PY
# script(1) gives the command a pseudo-terminal.
TERM=xterm script -qec "$cmd" /dev/null >"$scratch/tty" </dev/null
grep -q $'\033\[32m' "$scratch/tty" || fail "no colour on a terminal: $(cat -v "$scratch/tty" | head -3)"
NO_COLOR=1 TERM=xterm script -qec "$cmd" /dev/null >"$scratch/nocolor" </dev/null
grep -q $'\033\[' "$scratch/nocolor" && fail "colour despite NO_COLOR"
echo ok
