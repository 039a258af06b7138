#!/usr/bin/env bash
# In mesh mode a member pings exactly the peers --check shows it choosing (never itself), with
# the peers' group labels, beside an ordinary destination in the same run, and publishes
# netprom_mesh_members and netprom_mesh_inbound_peers as --check computes them. Members are
# loopback addresses in a private network namespace: nothing leaves the machine.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (unshare -n)"; exit 77; }
{
  echo '['
  for i in 1 2 3 4 5 6 7; do
    sep=,; [ "$i" = 7 ] && sep=
    echo "  {\"targets\": [\"127.0.0.$i\"], \"labels\": {\"name\": \"h$i\", \"rack\": \"r$((i % 2))\"}}$sep"
  done
  echo ']'
} >"$scratch/fleet.json"
args=(--config /dev/null -o - --no-interfaces -c 1 -W 1 --mesh "$scratch/fleet.json" --self h3 --mesh-peers 3)
expect_exit 0 "$NETPROM" "${args[@]}" --check
chosen=$(grep '^  h3 ->' "$scratch/out" | awk '{ print $3; print $4; print $5 }' | sort)
inbound=$(sed -n 's/^mesh: .*, watched by \([0-9]*\)$/\1/p' "$scratch/out")
[ "$(echo "$chosen" | wc -l)" = 3 ] && [ -n "$inbound" ] || fail "--check: $(cat "$scratch/out")"
expect_exit 0 unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$NETPROM" "${args[@]}" other=::1
want=$( (for h in $chosen; do echo "netprom_ping_up{dest=\"$h\",rack=\"r$((${h#h} % 2))\"} 1"; done
         echo 'netprom_ping_up{dest="other"} 1') | sort)
got=$(grep '^netprom_ping_up{' "$scratch/out" | sort)
[ "$got" = "$want" ] || fail "pinged [$got], want [$want]"
grep -qx 'netprom_mesh_members 7' "$scratch/out" || fail "no netprom_mesh_members 7"
grep -qx "netprom_mesh_inbound_peers $inbound" "$scratch/out" || fail "no netprom_mesh_inbound_peers $inbound"
echo ok
