#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two netprom files in one textfile directory, told apart by --label and by a config's
# top-level labels: node_exporter serves both side by side, node_textfile_scrape_error 0, no
# "collected before with the same name and label values" in its log, and each file's
# netprom_run_timestamp_seconds and netprom_build_info are served. Without the labels the same
# two files collide (the failure this guards against), checked first.
. "$(dirname "$0")/lib.sh"
need_node_exporter
dir=$scratch/textfile
mkdir "$dir"
"$NETPROM" --config /dev/null --no-ping -o "$dir/a.prom"
"$NETPROM" --config /dev/null --no-ping -o "$dir/b.prom"
start_node_exporter "$dir"
scrape "$scratch/scrape"
if grep -qx 'node_textfile_scrape_error 0' "$scratch/scrape" && ! grep -q 'collected before' "$scratch/node_exporter.log"; then
  fail "two unlabelled files did not collide: this test would prove nothing"
fi

printf 'labels = { probe = "b", site = "lab" }\n' >"$scratch/b.toml"
"$NETPROM" --config /dev/null --no-ping --label probe=a --label site=lab -o "$dir/a.prom"
"$NETPROM" --config "$scratch/b.toml" --no-ping -o "$dir/b.prom"
: >"$scratch/node_exporter.log"
scrape "$scratch/scrape"
grep -qx 'node_textfile_scrape_error 0' "$scratch/scrape" || fail "node_exporter could not read the files"
grep -q 'collected before' "$scratch/node_exporter.log" && fail "collision: $(grep 'collected before' "$scratch/node_exporter.log")"
for p in a b; do
  grep -q "^netprom_run_timestamp_seconds{probe=\"$p\",site=\"lab\"} " "$scratch/scrape" ||
    fail "no run timestamp of file $p: $(grep '^netprom_run_timestamp' "$scratch/scrape")"
  grep -q "^netprom_build_info{probe=\"$p\",site=\"lab\",version=\"" "$scratch/scrape" || fail "no build_info of file $p"
  grep -q "^netprom_network_up{device=\"lo\",probe=\"$p\",site=\"lab\"} " "$scratch/scrape" || fail "no lo of file $p"
done
echo ok
