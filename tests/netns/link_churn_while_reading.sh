#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Links created, renamed and deleted while netprom reads them: the counters come from one
# RTM_GETSTATS dump and the names and flags from ioctls afterwards, so a link can vanish or be
# renamed in between. Each run must either succeed, with no device twice, every device complete
# and the links that stay (lo and a fixed veth pair) there and up, or fail only with the
# documented "interrupted by changes 8 times in a row" (run_dump retries an NLM_F_DUMP_INTR
# dump that often; a slow build such as ASan's can meet a change in every attempt). Most
# runs must succeed; the loop pauses between batches so that they can.
set -eu

if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root"; exit 77; fi
command -v ip >/dev/null || { echo "skipped: needs ip"; exit 77; }
: "${NETPROM:?NETPROM must name the netprom binary}"

ns=pifc$$
tmp=$(mktemp -d)
churn_pid=
stop_churn() {  # the loop ends after its current batch; no ip command is left behind
  if [ -n "$churn_pid" ]; then
    touch "$tmp/stop"
    wait "$churn_pid" 2>/dev/null || true
    churn_pid=
  fi
}
cleanup() {
  stop_churn
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add stay0 type veth peer name stay1
ip -n "$ns" link set stay0 up
ip -n "$ns" link set stay1 up
# 200 short-lived pairs, so that the reads below meet links in every stage of their life.
{ for i in $(seq 200); do echo "link add c$i type veth peer name d$i"; done; } >"$tmp/add"
{ for i in $(seq 200); do echo "link set c$i name r$i"; done; } >"$tmp/rename"
{ for i in $(seq 200); do echo "link del r$i"; done; } >"$tmp/del"
(
  while [ ! -e "$tmp/stop" ]; do
    ip -n "$ns" -batch "$tmp/add"; sleep 0.05
    ip -n "$ns" -batch "$tmp/rename"; sleep 0.05
    ip -n "$ns" -batch "$tmp/del"; sleep 0.05
  done
) >/dev/null 2>&1 &
churn_pid=$!

runs=60 ok=0 interrupted=0 seen=0
interrupted_error='netprom: error: interfaces: cannot dump link statistics: interrupted by changes 8 times in a row: Resource temporarily unavailable'
for run in $(seq "$runs"); do
  rc=0
  ip netns exec "$ns" "$NETPROM" --config /dev/null --no-ping -o - >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [ "$rc" -eq 1 ] && [ "$(cat "$tmp/err")" = "$interrupted_error" ]; then
    interrupted=$((interrupted + 1))
    continue
  fi
  if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ]; then echo "run $run: exit $rc"; cat "$tmp/err"; exit 1; fi
  ok=$((ok + 1))
  grep '^netprom_network_up{' "$tmp/out" >"$tmp/up" || true
  dups=$(sed 's/} .*//' "$tmp/up" | sort | uniq -d)
  if [ -n "$dups" ]; then echo "run $run: devices reported twice: $dups"; exit 1; fi
  for want in 'netprom_network_up{device="lo"} 1' 'netprom_network_up{device="stay0"} 1' \
              'netprom_network_up{device="stay1"} 1'; do
    grep -qxF "$want" "$tmp/up" || { echo "run $run: no '$want' in:"; cat "$tmp/up"; exit 1; }
  done
  # Every device has all 16 counters and an up sample, nothing half-filled.
  n_up=$(wc -l <"$tmp/up")
  n_bytes=$(grep -c '^netprom_network_receive_bytes_total{' "$tmp/out" || true)
  if [ "$n_up" -ne "$n_bytes" ]; then echo "run $run: $n_up up samples, $n_bytes byte counters"; exit 1; fi
  [ "$n_up" -gt 3 ] && seen=$((seen + 1))
done
stop_churn
echo "$runs runs during churn: $ok succeeded ($seen of them with short-lived links), $interrupted interrupted 8 times"
if [ "$ok" -lt $((runs / 2)) ]; then echo "fewer than half of the runs succeeded"; exit 1; fi
