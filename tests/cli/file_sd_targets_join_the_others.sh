#!/usr/bin/env bash
# file_sd targets are pinged in the same run as the other destinations: the config's [[target]]
# with its file_sd = [...] (a relative name is beside the config), and the command line's
# DEST with --file-sd (which replaces the config's list). Group labels go on the series, labels
# starting with "__" are dropped, `name` is the dest, the port is dropped. Runs in a private
# network namespace (loopback only): nothing can leave the machine.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (unshare -n)"; exit 77; }
mkdir "$scratch/etc"
cat >"$scratch/etc/netprom.toml" <<'TOML'
count = 1
timeout = 1
no_interfaces = true
file_sd = ["sd.json"]
[[target]]
name = "cfg"
host = "127.0.0.1"
TOML
cat >"$scratch/etc/sd.json" <<'JSON'
[{"targets": ["127.0.0.2:9100", "[::1]:9100"], "labels": {"site": "a", "__meta_x": "y"}},
 {"targets": ["127.0.0.3"], "labels": {"name": "three"}}]
JSON
cat >"$scratch/more.yml" <<'YAML'
- targets: [127.0.0.4]
  labels: {team: net}
YAML
ping_up() { grep '^netprom_ping_up{' "$scratch/out" | sort; }
cd /  # the relative file_sd name must be found beside the config, not here
expect_exit 0 unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
  "$NETPROM" --config "$scratch/etc/netprom.toml" -o -
diff -u - <(ping_up) <<'EOF' || fail "config targets and file_sd targets differ"
netprom_ping_up{dest="127.0.0.2",site="a"} 1
netprom_ping_up{dest="::1",site="a"} 1
netprom_ping_up{dest="cfg"} 1
netprom_ping_up{dest="three"} 1
EOF
expect_exit 0 unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
  "$NETPROM" --config "$scratch/etc/netprom.toml" -o - --file-sd "$scratch/more.yml" arg=127.0.0.5
diff -u - <(ping_up) <<'EOF' || fail "command-line targets and --file-sd targets differ"
netprom_ping_up{dest="127.0.0.4",team="net"} 1
netprom_ping_up{dest="arg"} 1
EOF
echo ok
