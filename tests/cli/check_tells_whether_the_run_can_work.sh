#!/usr/bin/env bash
# --check says what a run would do and whether it can, and exits with the status the run would
# have: where each setting came from, the default gateways it would ping, whether ICMP sockets
# can be opened (77), the output directory is writable (73), -I and --source work here (1) and
# the state directory can be used (74). It writes nothing.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (a network namespace and another user)"; exit 77; }
printf 'interval = 0.5\n' >"$scratch/netprom.toml"
expect_exit 0 "$NETPROM" --config "$scratch/netprom.toml" -c 3 --check 127.0.0.1
sed -n '/^settings:/,$p' "$scratch/out" | diff -u - <(printf '%s\n' "settings:" "  --count: command line" \
  "  --interval: $scratch/netprom.toml:1:12" "  every other setting: default" "host: ready (a run would exit 0)") ||
  fail "settings and status differ"

check() {  # $1 = status, $2 = last lines wanted, then the arguments
  local want=$1 lines=$2; shift 2
  expect_exit "$want" "$NETPROM" --config /dev/null --check "$@"
  [ "$(tail -n "$(printf '%s\n' "$lines" | wc -l)" "$scratch/out")" = "$lines" ] ||
    fail "'$*': want [$lines], got [$(cat "$scratch/out")]"
}
check 73 "problem: output directory $scratch/missing is not writable: No such file or directory
host: not ready (a run would exit 73)" -o "$scratch/missing/n.prom" 127.0.0.1
check 1 "problem: cannot bind ICMP socket to interface nosuch0: No such device
host: not ready (a run would exit 1)" -I nosuch0 127.0.0.1
check 1 "problem: cannot bind ICMP socket to source 198.18.0.1: Cannot assign requested address
host: not ready (a run would exit 1)" --source 198.18.0.1 127.0.0.1
check 74 "problem: state directory $scratch/missing is not writable: No such file or directory
host: not ready (a run would exit 74)" --state-dir "$scratch/missing/state" 127.0.0.1

# A fresh network namespace: ping_group_range "1 0", so nobody may open an ICMP socket; and
# a default route whose gateway --check names.
unshare -n sh -c "ip link set lo up && ip route add default via 198.18.0.254 dev lo onlink &&
  setpriv --reuid 65534 --regid 65534 --clear-groups $NETPROM --config /dev/null --check" \
  >"$scratch/out" 2>"$scratch/err" && rc=0 || rc=$?
[ "$rc" = 77 ] || fail "no ICMP permission: exit $rc, want 77: $(cat "$scratch/out" "$scratch/err")"
grep -qx 'default gateway: gateway -> 198.18.0.254' "$scratch/out" || fail "gateway not named: $(cat "$scratch/out")"
grep -q '^problem: cannot open ICMP socket: Permission denied (hint: ' "$scratch/out" || fail "no ICMP problem"
tail -n 1 "$scratch/out" | grep -qx 'host: not ready (a run would exit 77)' || fail "no status line"
only_files "$scratch" netprom.toml out err
echo ok
