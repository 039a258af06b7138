#!/bin/bash
# SPDX-License-Identifier: MIT
# `make bench`: side-by-side timings of a release netprom, loopback and own namespaces only.
#   bench/run.sh [BUILD_DIR]       (default build/release; needs root for fping -i 0, raw
#                                   sockets and network namespaces)
# Each side runs as a whole process, several times, interleaved; bench/spawn.c forks it and
# takes wall time, user+sys CPU and peak RSS from wait4(2); bench/measure.py logs, checks and
# tabulates. Cases:
#   10k     10,000 destinations in 127.1.0.0/16 x 5 requests at 1 s: netprom vs fping
#   100k    100,000 destinations in 127.2-3.0.0/16 x 5 at 1 s: netprom alone
#   ifaces  a namespace with 1,000 veth pairs (2,001 interfaces with lo): netprom --no-ping
#           vs ip -s link (the ceiling: at most 0.75x its wall time) and cat /proc/net/dev, and
#           every counter checked against /proc/net/dev
# Environment: CASES="10k 100k ifaces", RUNS (10k, default 7), RUNS_100K (3), RUNS_IF (30);
#   BASELINE=PATH: the netprom binary of another commit (e.g. the one a ceiling was set
#   against), also run in the 10k case, interleaved, for netprom's CPU against it.
# Raw results: BUILD_DIR/bench/results.jsonl, table in BUILD_DIR/bench/table.{txt,md}.
# No sysctl is changed: echo replies are not ICMP-rate-limited (see bench/RESULTS.md).
set -euo pipefail

build=${1:-build/release}
cases=${CASES:-10k 100k ifaces}
runs=${RUNS:-7}
runs_100k=${RUNS_100K:-3}
runs_if=${RUNS_IF:-30}
here=$(cd "$(dirname "$0")" && pwd)
measure="python3 $here/measure.py"
netprom=$(cd "$build" && pwd)/netprom
baseline=${BASELINE:-}

die() { echo "bench: error: $*" >&2; exit 1; }
[ -x "$netprom" ] || die "$netprom not built (make bench builds it)"
[ -z "$baseline" ] || [ -x "$baseline" ] || die "BASELINE=$baseline is not an executable file"
[ "$(id -u)" -eq 0 ] || die "needs root (fping -i 0, raw ICMP sockets, ip netns)"
for tool in fping ip python3 cc; do
  command -v "$tool" >/dev/null || die "$tool not found (packaging/install-deps.sh test)"
done

out=$(cd "$build" && pwd)/bench
mkdir -p "$out"
cc -O2 -Wall -Wextra -o "$out/spawn" "$here/spawn.c" || die "cannot compile bench/spawn.c"
export BENCH_SPAWN=$out/spawn
log=$out/results.jsonl
: >"$log"
rm -f "$out/netdev.json"
tmp=$(mktemp -d /dev/shm/bn$$.XXXXXX 2>/dev/null || mktemp -d /tmp/bn$$.XXXXXX)
ns=bn$$
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

np=("$netprom" --config /dev/null)
run() { $measure run --log "$log" "$@"; }

echo "== machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
# BENCH_COMMIT names the commit when BUILD_DIR was built from another tree (e.g. git archive).
echo "commit:  ${BENCH_COMMIT:-$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$here/.." diff --quiet HEAD -- src 2>/dev/null || echo ' (src/ modified in the work tree)')}"
echo "cpu:     $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "kernel:  $(uname -r)"
echo "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "tools:   $("$netprom" --version 2>&1 | head -1); $(fping -v 2>&1 | head -1); $(ip -V)"
echo "sysctl:  $(sysctl -n net.ipv4.icmp_msgs_per_sec) icmp_msgs_per_sec, $(sysctl -n net.ipv4.icmp_msgs_burst) icmp_msgs_burst, icmp_ratemask $(sysctl -n net.ipv4.icmp_ratemask), rmem_max $(sysctl -n net.core.rmem_max) (unchanged)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"

# Destination lists: distinct addresses, none of them configured, all answered by lo.
python3 -c 'for i in range(10000): print(f"127.1.{i // 250}.{i % 250 + 1}")' >"$tmp/list10k"
python3 -c 'for i in range(100000): print(f"127.{2 + i // 62500}.{i // 250 % 250}.{i % 250 + 1}")' >"$tmp/list100k"

# Long names: the short ones changed once (-n became -c), and a BASELINE may be that old.
ping_args=(--count 5 --interval 1 --timeout 1 --no-interfaces --output -)
fping_args=(-q -c 5 -p 1000 -i 0 -t 1000)

if [[ " $cases " == *" 10k "* ]]; then
  echo "== 10k: 10,000 destinations x 5 at 1 s, netprom vs fping ($runs runs each, interleaved)"
  run --case 10k --tool netprom --warmup --stdout "$tmp/np.out" --parse netprom -- "${np[@]}" -c 1 -W 1 --no-interfaces -o - 127.0.0.1
  run --case 10k --tool fping --warmup --stderr "$tmp/fp.err" --parse fping -- fping -q -c 1 127.0.0.1
  [ -z "$baseline" ] || run --case 10k --tool baseline --warmup -- "$baseline" --config /dev/null --count 1 --timeout 1 \
    --no-interfaces --output - 127.0.0.1
  tools="netprom fping${baseline:+ baseline}"
  for ((r = 0; r < runs; r++)); do
    # Alternate who goes first, so a load drift does not favour one side.
    if ((r % 2 == 0)); then order=$tools; else order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for tool in $order; do
      if [ "$tool" = netprom ]; then
        run --case 10k --tool netprom --stdout "$tmp/np.out" --stderr "$tmp/np.err" --parse netprom \
          -- "${np[@]}" "${ping_args[@]}" -f "$tmp/list10k"
      elif [ "$tool" = baseline ]; then
        # Its metric names may differ: its cost is compared, its exit status checked.
        run --case 10k --tool baseline --stdout "$tmp/bl.out" -- "$baseline" --config /dev/null "${ping_args[@]}" \
          -f "$tmp/list10k"
      else
        run --case 10k --tool fping --stderr "$tmp/fp.err" --parse fping \
          -- fping "${fping_args[@]}" -f "$tmp/list10k"
      fi
    done
  done
  if [ -s "$tmp/np.err" ]; then echo "netprom stderr (last run):"; head -5 "$tmp/np.err"; fi
fi

if [[ " $cases " == *" 100k "* ]]; then
  echo "== 100k: 100,000 destinations x 5 at 1 s, netprom ($runs_100k runs)"
  for ((r = 0; r < runs_100k; r++)); do
    run --case 100k --tool netprom --stdout "$tmp/np.out" --stderr "$tmp/np.err" --parse netprom \
      -- "${np[@]}" "${ping_args[@]}" -f "$tmp/list100k"
  done
  if [ -s "$tmp/np.err" ]; then echo "netprom stderr (last run):"; head -5 "$tmp/np.err"; fi
  rm -f "$tmp/np.out"
  # For reference only: fping 5.1 keeps at most 65,535 (host, sequence) slots and refuses this list.
  run --case 100k --tool fping --stderr "$tmp/fp.err" --parse fping -- fping "${fping_args[@]}" -f "$tmp/list100k"
  echo "fping stderr (first line): $(head -1 "$tmp/fp.err")"
fi

if [[ " $cases " == *" ifaces "* ]]; then
  echo "== ifaces: namespace $ns with 1,000 veth pairs, netprom --no-ping vs cat /proc/net/dev vs ip -s link ($runs_if runs each)"
  ip netns add "$ns"
  # No IPv6 on the new links (no DAD, RS or MLD traffic), so every counter stays still.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  {
    for ((i = 0; i < 1000; i++)); do echo "link add bv$i type veth peer name bw$i"; done
    echo "link set lo up"
    for ((i = 0; i < 10; i++)); do echo "link set bv$i up"; echo "link set bw$i up"; done
  } >"$tmp/batch"
  ip -n "$ns" -batch "$tmp/batch"
  $measure traffic --netns "$ns" --pairs 10
  count=$(ip -n "$ns" -o link | wc -l)
  echo "interfaces in $ns: $count"
  ip netns exec "$ns" cat /proc/net/dev >"$tmp/before"
  ip netns exec "$ns" "${np[@]}" --no-ping -o - >"$tmp/netprom.prom" 2>"$tmp/netprom.err" \
    || { echo "netprom --no-ping failed:"; cat "$tmp/netprom.err"; }
  ip netns exec "$ns" cat /proc/net/dev >"$tmp/after"
  $measure netdev --netprom "$tmp/netprom.prom" --before "$tmp/before" --after "$tmp/after" \
    | tee "$out/netdev.json" || true
  run --case ifaces --tool netprom --warmup --netns "$ns" -- "${np[@]}" --no-ping -o -
  run --case ifaces --tool cat --warmup --netns "$ns" -- cat /proc/net/dev
  run --case ifaces --tool ip-s-link --warmup --netns "$ns" -- ip -s link
  for ((r = 0; r < runs_if; r++)); do
    run --case ifaces --tool netprom --netns "$ns" --stdout "$tmp/if.out" -- "${np[@]}" --no-ping -o - 2>/dev/null
    run --case ifaces --tool cat --netns "$ns" --stdout "$tmp/if.out" -- cat /proc/net/dev 2>/dev/null
    run --case ifaces --tool ip-s-link --netns "$ns" --stdout "$tmp/if.out" -- ip -s link 2>/dev/null
  done
  ip netns del "$ns"
fi

echo "== results (ratio = netprom median / reference median; CPU = user+sys; load = 1-minute average)"
$measure table --log "$log" --netdev "$out/netdev.json" | tee "$out/table.txt"
$measure table --log "$log" --netdev "$out/netdev.json" --markdown >"$out/table.md"
echo "raw: $log; markdown: $out/table.md; load now: $(cut -d' ' -f1-3 /proc/loadavg)"
