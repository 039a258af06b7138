#!/usr/bin/env bash
# SIGTERM or SIGINT in the middle of a run: the process dies of the signal after one line on
# stderr, the previous file stays byte for byte, and no temp file is left.
. "$(dirname "$0")/lib.sh"
out=$scratch/netprom.prom
"$NETPROM" --config /dev/null --no-ping -o "$out"
cp "$out" "$scratch/before"
for sig in TERM INT; do
  "$NETPROM" --config /dev/null -o "$out" -c 20 -i 0.5 127.0.0.1 2>"$scratch/err.$sig" &
  pid=$!
  cleanup_hooks+=("kill -9 $pid 2>/dev/null")
  wait_for_sockets "$pid"
  sleep 0.3
  kill -s "$sig" "$pid" || fail "SIG$sig: the run had already ended: $(cat "$scratch/err.$sig")"
  rc=0; wait "$pid" || rc=$?
  want=$((128 + $(kill -l "$sig")))
  [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, want $want"
  case $sig in
    TERM) line="netprom: error: terminated (SIGTERM); the previous output is kept" ;;
    INT) line="netprom: error: interrupted (SIGINT); the previous output is kept" ;;
  esac
  [ "$(cat "$scratch/err.$sig")" = "$line" ] || fail "SIG$sig: stderr [$(cat "$scratch/err.$sig")]"
  cmp "$out" "$scratch/before" || fail "SIG$sig: previous file changed"
done
only_files "$scratch" netprom.prom .netprom.prom.lock before err.TERM err.INT
echo ok
