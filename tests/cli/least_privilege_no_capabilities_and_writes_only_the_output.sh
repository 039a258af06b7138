#!/usr/bin/env bash
# Once its sockets are open netprom holds no capability (CapEff and CapPrm are 0 while it pings),
# and the only files it creates, changes or removes are in the output directory.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (checks that root's capabilities are dropped)"; exit 77; }
out=$scratch/textfile/netprom.prom
mkdir "$scratch/textfile"
"$NETPROM" --config /dev/null -o "$out" -c 4 -i 0.3 127.0.0.1 ::1 &
pid=$!
cleanup_hooks+=("kill $pid 2>/dev/null")
wait_for_sockets "$pid"
sleep 0.2  # past socket set-up, into the event loop
caps=$(grep -E '^Cap(Eff|Prm|Amb):' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ')
wait "$pid" || fail "run exited $?"
[ "$caps" = "CapPrm: 0000000000000000 CapEff: 0000000000000000 CapAmb: 0000000000000000 " ] ||
  fail "capabilities while pinging: $caps"

command -v strace >/dev/null || fail "strace is missing (packaging/install-deps.sh test installs it)"
strace -f -qq -e trace=open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,truncate,chmod,fchmodat,link,symlink \
  -o "$scratch/trace" "$NETPROM" --config /dev/null -o "$out" --state-dir "$scratch/textfile/state" -c 1 127.0.0.1
# Every call that can write: opened for writing or creating, renamed, removed, made.
grep -E 'O_WRONLY|O_RDWR|O_CREAT|rename|unlink|mkdir|truncate|chmod|link\(' "$scratch/trace" |
  grep -v ' = -1 ' >"$scratch/writes" || true
[ -s "$scratch/writes" ] || fail "strace saw no writes at all; the check proves nothing"
outside=$(grep -v "\"$scratch/textfile/" "$scratch/writes" || true)
[ -z "$outside" ] || fail "writes outside the output and state directories: $outside"
echo "$(wc -l <"$scratch/writes") writing calls, all under $scratch/textfile"
echo ok
