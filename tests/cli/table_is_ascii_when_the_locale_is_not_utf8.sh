#!/usr/bin/env bash
# --format table draws its sparkline with block characters in a UTF-8 locale and with ASCII
# only otherwise (LC_ALL=C), where the blocks would show as garbage.
. "$(dirname "$0")/lib.sh"
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || { echo "skip: no C.UTF-8 locale"; exit 77; }
cmd=("$NETPROM" --config /dev/null --format table -c 1 -W 1 127.0.0.1)  # one reply: the lowest level
LC_ALL=C expect_exit 0 "${cmd[@]}"
LC_ALL=C grep -q '[^ -~]' "$scratch/out" && fail "bytes outside ASCII with LC_ALL=C: $(cat -v "$scratch/out")"
grep -q '^127\.0\.0\.1 .* 1/1 .* _$' "$scratch/out" || fail "want the ASCII sparkline _: $(cat "$scratch/out")"
LC_ALL=C.UTF-8 expect_exit 0 "${cmd[@]}"
grep -q '^127\.0\.0\.1 .* 1/1 .* ▁$' "$scratch/out" || fail "want a block sparkline in C.UTF-8: $(cat "$scratch/out")"
echo ok
