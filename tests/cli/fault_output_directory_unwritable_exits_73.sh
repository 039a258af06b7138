#!/usr/bin/env bash
# An output directory that is read-only, missing, or full: exit 73 with one line saying what and
# why; the previous file stays byte for byte and no temp file is left behind.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (mounts a read-only and a tiny tmpfs)"; exit 77; }
run() { "$NETPROM" --config /dev/null --no-ping -o "$1"; }

# Missing directory.
expect_exit 73 run "$scratch/missing/netprom.prom"
expect_stderr "netprom: error: cannot create lock file $scratch/missing/.netprom.prom.lock: No such file or directory"

# Read-only and full file systems, in a private mount namespace so nothing leaks out.
export -f run fail expect_exit expect_stderr only_files
export scratch NETPROM
unshare -m bash -eu -c '
  mount --make-rprivate /
  ro=$scratch/ro full=$scratch/full
  mkdir -p "$ro" "$full"

  mount -t tmpfs -o size=1m tmpfs "$ro"
  run "$ro/netprom.prom"
  cp "$ro/netprom.prom" "$scratch/before-ro"
  mount -o remount,ro "$ro"
  expect_exit 73 run "$ro/netprom.prom"
  expect_stderr "netprom: error: cannot create lock file $ro/.netprom.prom.lock: Read-only file system"
  cmp "$ro/netprom.prom" "$scratch/before-ro" || fail "read-only: previous file changed"

  # Full: a tiny tmpfs with the previous file and the lock in place, then filled to the last block.
  mount -t tmpfs -o size=64k tmpfs "$full"
  run "$full/netprom.prom"
  cp "$full/netprom.prom" "$scratch/before-full"
  dd if=/dev/zero of="$full/filler" bs=1k 2>/dev/null || true
  expect_exit 73 run "$full/netprom.prom"
  grep -qx "netprom: error: cannot write $full/.netprom.prom.[0-9]*.tmp: No space left on device" "$scratch/err" ||
    fail "full disk: stderr was [$(cat "$scratch/err")]"
  [ "$(wc -l <"$scratch/err")" -eq 1 ] || fail "more than one line on stderr"
  cmp "$full/netprom.prom" "$scratch/before-full" || fail "full disk: previous file changed"
  only_files "$full" netprom.prom .netprom.prom.lock filler
'
echo ok
