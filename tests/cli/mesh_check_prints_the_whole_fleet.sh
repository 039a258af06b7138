#!/usr/bin/env bash
# --check with --mesh prints every member's choice: 1,000 members listed, K = 10, in well under a
# second on a quiet machine (the bound here is 5 s, so a loaded machine cannot fail it). Each of
# the 1,000 lines names 10 other members, never itself; the watched-by counts add up to 10,000;
# this host's line is the plan's destination list.
. "$(dirname "$0")/lib.sh"
awk 'BEGIN { print "["; for (i = 0; i < 1000; i++)
  printf "  {\"targets\": [\"198.18.%d.%d\"], \"labels\": {\"name\": \"m%04d\"}}%s\n", i / 250, i % 250 + 1, i,
         i < 999 ? "," : "" ; print "]" }' >"$scratch/fleet.json"
start=$(date +%s%N)
expect_exit 0 "$NETPROM" --config /dev/null -o - --mesh "$scratch/fleet.json" --self m0500 --mesh-peers 10 --check
ms=$((($(date +%s%N) - start) / 1000000))
echo "1,000 members x K=10: --check took $ms ms"
[ "$ms" -lt 5000 ] || fail "--check took $ms ms, want < 5000"
grep -qx "mesh: $scratch/fleet.json, 1000 members, each pings 10; this host is m0500, watched by [0-9]*" "$scratch/out" ||
  fail "no mesh summary line: $(grep '^mesh' "$scratch/out")"
awk '/^mesh: / { fleet = 1; next } fleet && /^  m[0-9]+ ->/ {
  n++; if (NF != 15) { print "wrong peer count: " $0; bad = 1 }
  for (i = 3; i <= 12; i++) { if ($i == $1) { print "chooses itself: " $0; bad = 1 }; seen[$i]++ }
  sub(/\)/, "", $15); watched += $15
} END {
  if (n != 1000) { print n " member lines"; bad = 1 }
  if (watched != 10000) { print "watched-by sum " watched; bad = 1 }
  for (m in seen) if (m !~ /^m[0-9][0-9][0-9][0-9]$/) { print "not a member: " m; bad = 1 }
  exit bad }' "$scratch/out" || fail "the fleet's choice is wrong"
# This host's choice is what it pings: the plan's destinations, in the same order.
own=$(sed '1,/^mesh: /d' "$scratch/out" | grep '^  m0500 ->' | awk '{ for (i = 3; i <= 12; i++) printf "%s ", $i }')
plan=$(grep -E '^  m[0-9]+ -> 198\.18\.' "$scratch/out" | awk '{ printf "%s ", $1 }')
[ "$own" = "$plan" ] || fail "this host pings [$plan], its fleet line says [$own]"
echo ok
