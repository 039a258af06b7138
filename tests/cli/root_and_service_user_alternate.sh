#!/usr/bin/env bash
# Runs as root (an admin testing by hand) and as the service user (here nobody, 65534) alternate
# in any order on one output and state directory owned by the service user: no exit 73 from a
# lock file root made (flock works on a read-only open), the state goes on across every run, and
# root, which works as the directory's owner once its sockets are open, leaves only files that
# user owns. In a private network namespace whose ping_group_range lets nobody ping.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (runs as root and as nobody)"; exit 77; }
command -v setpriv >/dev/null || { echo "skipped: setpriv (util-linux) is missing"; exit 77; }
chmod 755 "$scratch"
dir=$scratch/textfile
mkdir "$dir"
chown 65534:65534 "$dir"
export scratch dir NETPROM
export -f fail only_files
unshare -n bash -eu -c '
  ip link set lo up
  sysctl -q -w net.ipv4.ping_group_range="0 2147483647"
  run() {  # AS (root|nobody) COUNT
    local -a as=()
    [ "$1" = nobody ] && as=(setpriv --reuid 65534 --regid 65534 --clear-groups)
    "${as[@]}" "$NETPROM" --config /dev/null --no-interfaces --count "$2" -i 0.01 -W 1 -o "$dir/netprom.prom" \
      --state-dir "$dir/state" lo=127.0.0.1 2>"$scratch/err" || fail "run as $1 exited $?: $(cat "$scratch/err")"
    [ ! -s "$scratch/err" ] || fail "run as $1 warned: $(cat "$scratch/err")"
  }
  mkdir "$dir/state" && chown 65534:65534 "$dir/state"
  total=0
  for as in root nobody nobody root root nobody root; do
    run "$as" 2
    total=$((total + 2))
    grep -qx "netprom_ping_packets_sent_total{dest=\"lo\"} $total" "$dir/netprom.prom" ||
      fail "after a run as $as: $(grep sent_total "$dir/netprom.prom")"
  done
  # Everything but the lock files is the service user'"'"'s; the lock files (made before the
  # sockets, as root or nobody) are readable by both.
  bad=$(find "$dir" -mindepth 1 ! -user 65534 ! -name "*.lock")
  [ -z "$bad" ] || fail "not owned by the service user: $(ls -la $bad)"
  only_files "$dir" netprom.prom .netprom.prom.lock state
  only_files "$dir/state" netprom.prom.state .netprom.prom.state.lock
'
# The other way round: a lock file root made first, 0644 and root-owned, does not lock nobody out.
rm -rf "$dir"/* "$dir"/.??*
touch "$dir/.n.prom.lock"
setpriv --reuid 65534 --regid 65534 --clear-groups "$NETPROM" --config /dev/null --no-ping -o "$dir/n.prom" ||
  fail "nobody was locked out by root's lock file"
echo ok
