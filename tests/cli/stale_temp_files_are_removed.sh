#!/usr/bin/env bash
# Temp files a killed run left beside the output are removed by the next run; other files are kept.
. "$(dirname "$0")/lib.sh"
dir=$scratch/textfile
mkdir "$dir"
echo partial >"$dir/.netprom.prom.12345.tmp"
echo partial >"$dir/.netprom.prom.1.tmp"
echo other >"$dir/other.prom"
"$NETPROM" --no-ping -o "$dir/netprom.prom"
only_files "$dir" netprom.prom .netprom.prom.lock other.prom
echo ok
