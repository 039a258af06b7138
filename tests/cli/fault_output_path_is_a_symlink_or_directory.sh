#!/usr/bin/env bash
# An output path that is a symlink or a directory is refused (73): nothing is followed or replaced.
. "$(dirname "$0")/lib.sh"
echo "keep" >"$scratch/victim"
ln -s "$scratch/victim" "$scratch/link.prom"
expect_exit 73 "$NETPROM" --config /dev/null --no-ping -o "$scratch/link.prom"
expect_stderr "netprom: error: cannot replace $scratch/link.prom: it is a symbolic link; give a regular file path"
[ "$(cat "$scratch/victim")" = keep ] || fail "the symlink's target changed"
[ -L "$scratch/link.prom" ] || fail "the symlink was replaced"
mkdir "$scratch/dir.prom"
expect_exit 73 "$NETPROM" --config /dev/null --no-ping -o "$scratch/dir.prom"
expect_stderr "netprom: error: cannot replace $scratch/dir.prom: it is a directory; give a regular file path"
only_files "$scratch" victim link.prom dir.prom .link.prom.lock .dir.prom.lock out err
echo ok
