#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Links created, renamed and deleted while netprom reads them. Every run must exit 0 with a
# complete file: each device once, with all 16 counters, up, MTU and carrier changes; every
# device one that existed at some point; and the links that existed throughout (lo, a veth
# pair that is up, 200 more pairs so that the dump spans many datagrams) all present.
# Why no run can fail: all of a link's series come from its one RTM_NEWLINK message, and a
# dump is only redone when it is interrupted (NLM_F_DUMP_INTR), which takes a change of the
# namespace's device list (dev_base_seq) during that very attempt. Each run meets one batch of
# at most 6 such changes (a veth pair created: 2, one end renamed: at most 2, the pair
# deleted: 2), started together with netprom; attempts do not overlap, so at most 6 of the
# 8 attempts can be interrupted. How many runs really met the batch mid-dump is counted, not
# required: that is timing.
set -eu

if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root"; exit 77; fi
command -v ip >/dev/null || { echo "skipped: needs ip"; exit 77; }
: "${NETPROM:?NETPROM must name the netprom binary}"

ns=pifc$$
tmp=$(mktemp -d)
churn_pid=
stop_churn() {  # no ip command is left behind
  if [ -n "$churn_pid" ]; then
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
{ for i in $(seq 200); do echo "link add keep$i type veth peer name kp$i"; done; } | ip -n "$ns" -batch -
# The links that exist throughout, as they must appear in every run.
{ printf '%s\n' lo stay0 stay1; for i in $(seq 200); do printf 'keep%s\nkp%s\n' "$i" "$i"; done; } |
  LC_ALL=C sort >"$tmp/always"

runs=40 churned=0
for run in $(seq "$runs"); do
  printf 'link add c%s type veth peer name d%s\nlink set c%s name r%s\nlink del r%s\n' \
    "$run" "$run" "$run" "$run" "$run" >"$tmp/batch"
  ip -n "$ns" -batch "$tmp/batch" >"$tmp/ip.err" 2>&1 &
  churn_pid=$!
  rc=0
  ip netns exec "$ns" "$NETPROM" --config /dev/null --no-ping -o - >"$tmp/out" 2>"$tmp/err" || rc=$?
  wait "$churn_pid" || { echo "run $run: ip -batch failed:"; cat "$tmp/ip.err"; exit 1; }
  churn_pid=
  if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ]; then echo "run $run: exit $rc"; cat "$tmp/err"; exit 1; fi
  # Devices of each family: once each, the same set in every family.
  for fam in up receive_bytes_total transmit_packets_total mtu_bytes carrier_changes_total; do
    sed -n "s/^netprom_network_$fam{device=\"\([^\"]*\)\"} [0-9]*\$/\1/p" "$tmp/out" >"$tmp/$fam"
    dups=$(LC_ALL=C sort "$tmp/$fam" | uniq -d)
    [ -z "$dups" ] || { echo "run $run: $fam twice for: $dups"; exit 1; }
    LC_ALL=C sort -o "$tmp/$fam" "$tmp/$fam"
    cmp -s "$tmp/$fam" "$tmp/up" || { echo "run $run: $fam and up name different devices"; diff "$tmp/up" "$tmp/$fam"; exit 1; }
  done
  # Every device existed at some point: one that stays, or this run's c/d/r link.
  strays=$(LC_ALL=C comm -23 "$tmp/up" "$tmp/always" | grep -vxE "(c|d|r)$run" || true)
  [ -z "$strays" ] || { echo "run $run: devices that never existed: $strays"; exit 1; }
  missing=$(LC_ALL=C comm -13 "$tmp/up" "$tmp/always")
  [ -z "$missing" ] || { echo "run $run: devices missing: $missing"; exit 1; }
  for want in 'netprom_network_up{device="stay0"} 1' 'netprom_network_up{device="stay1"} 1'; do
    grep -qxF "$want" "$tmp/out" || { echo "run $run: no '$want'"; exit 1; }
  done
  [ "$(wc -l <"$tmp/up")" -gt "$(wc -l <"$tmp/always")" ] && churned=$((churned + 1))
done
echo "$runs runs during churn, all complete; $churned of them saw a short-lived link"
