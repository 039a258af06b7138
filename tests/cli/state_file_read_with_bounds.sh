#!/usr/bin/env bash
# The state file is read only when it is a regular file within the size the destinations can
# need: a FIFO (which would block), a link to /dev/zero (which never ends) or an oversized file
# is one warning and a fresh start, well within --deadline, and the file is written.
. "$(dirname "$0")/lib.sh"
state=$scratch/state
mkdir "$state"
sf=$state/n.prom.state
run() { timeout 20 "$NETPROM" --config /dev/null --no-interfaces --count 1 -W 1 --deadline 5 -o "$scratch/n.prom" \
          --state-dir "$state" lo=127.0.0.1 2>"$scratch/err"; }
check() {  # WARNING-TEXT
  local rc=0; run || rc=$?
  [ "$rc" = 0 ] || fail "exit $rc: $(cat "$scratch/err")"
  expect_stderr "netprom: warning: state $sf $1; starting fresh"
  grep -qx 'netprom_ping_packets_sent_total{dest="lo"} 1' "$scratch/n.prom" || fail "no fresh total"
  rm -f "$sf"
}
mkfifo "$sf"
check "is not a regular file"
ln -s /dev/zero "$sf"
check "cannot be read: it is a symbolic link"
head -c 200000 /dev/zero | tr '\0' 'x' >"$sf"
limit=$(( 64 * 1024 + 64 * 25 + 16 + 2 * 2 + 70 * 25 ))
check "is 200000 bytes, more than the $limit the configured destinations can need"
# Tampered: counts past 2^53.
printf 'netprom-state 2\noutput "%s"\nbuckets 0.1\ndest "lo" 99999999999999999 1 0 0 1 0.001 1 0\nend\n' "$scratch/n.prom" >"$sf"
check "is unusable: line 4: 99999999999999999 is past 2^53, no run counts that far"
echo ok
