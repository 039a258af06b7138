#!/usr/bin/env bash
# A SIGTERM that arrives right after open() of the temp file (strace delivers it as that call
# returns) leaves no 0-byte temp file: the name is registered for the handler before the open.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || fail "strace is missing (packaging/install-deps.sh test installs it)"
out=$scratch/n.prom
run() { "$NETPROM" --config /dev/null --no-ping -o "$out"; }
echo previous >"$out"
# Which openat creates the temp file (the run makes the same calls each time).
strace -f -qq -e trace=openat -o "$scratch/trace" "$NETPROM" --config /dev/null --no-ping -o "$out"
n=$(grep -n '\.tmp"' "$scratch/trace" | head -1 | cut -d: -f1)
[ -n "$n" ] || fail "no temp file open in the trace"
grep '\.tmp"' "$scratch/trace" | head -1 | grep -q O_CREAT || fail "the temp open is not a create: $(cat "$scratch/trace")"
cp "$out" "$scratch/before"
for i in 1 2 3; do
  rc=0
  strace -f -qq -o /dev/null -e trace=openat -e "inject=openat:signal=TERM:when=$n" \
    "$NETPROM" --config /dev/null --no-ping -o "$out" 2>"$scratch/err" || rc=$?
  [ "$rc" -ne 0 ] || fail "run $i was not terminated"
  grep -q 'terminated (SIGTERM); the previous output is kept' "$scratch/err" || fail "stderr: $(cat "$scratch/err")"
  only_files "$scratch" n.prom .n.prom.lock before trace err
  cmp -s "$out" "$scratch/before" || fail "the previous file changed"
done
echo ok
