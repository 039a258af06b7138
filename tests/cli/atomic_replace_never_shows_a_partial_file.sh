#!/usr/bin/env bash
# 200 consecutive runs while another process reads the output nonstop: every read sees a whole
# file (first line a HELP, last line build_info), never a partial, empty or missing one; afterwards
# only the output and the lock file are in the directory.
. "$(dirname "$0")/lib.sh"
dir=$scratch/textfile
mkdir "$dir"
out=$dir/netprom.prom
"$NETPROM" --no-ping -o "$out"
reader() {
  local reads=0 bad=0 text
  while [ ! -e "$scratch/stop" ]; do
    if ! text=$(cat "$out" 2>/dev/null); then bad=$((bad + 1)); echo "missing" >>"$scratch/bad"; continue; fi
    reads=$((reads + 1))
    case $text in
      "# HELP "*"netprom_build_info{version="*"} 1") ;;
      *) bad=$((bad + 1)); printf 'partial read of %d bytes\n' "${#text}" >>"$scratch/bad" ;;
    esac
  done
  echo "$reads" >"$scratch/reads"
}
reader &
reader_pid=$!
cleanup_hooks+=("kill $reader_pid 2>/dev/null")
for i in $(seq 200); do
  "$NETPROM" --no-ping -o "$out" || fail "run $i exited $?"
done
touch "$scratch/stop"
wait "$reader_pid"
reads=$(cat "$scratch/reads")
echo "reader saw $reads whole files during 200 runs"
[ ! -e "$scratch/bad" ] || fail "$(sort "$scratch/bad" | uniq -c)"
[ "$reads" -gt 50 ] || fail "the reader read only $reads times; the test proves nothing"
only_files "$dir" netprom.prom .netprom.prom.lock
[ "$(stat -c %a "$out")" = 644 ] || fail "mode $(stat -c %a "$out")"
echo ok
