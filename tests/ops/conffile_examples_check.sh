# SPDX-License-Identifier: MIT
# The shipped conffile packaging/netprom.toml passes `netprom --check` as it is (everything
# commented out), and so does every example in it once uncommented, so the examples cannot
# drift from the real config keys. --check sends no packet and resolves no name.
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
conf="$top/packaging/netprom.toml"
if [ -z "${NETPROM:-}" ] || [ ! -x "$NETPROM" ]; then
  echo "FAIL: NETPROM='${NETPROM:-}' is not an executable netprom binary"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() {  # $1 = config file, $2 = what it is
  rc=0
  timeout 20 "$NETPROM" --check --config "$1" >"$tmp/out" 2>"$tmp/err" || rc=$?
  # --check exits with the status a run would have on this host: an example interface (eth0)
  # or output directory this host lacks is a "not ready" (1, 73, 74, 77), not a bad config.
  ready=$(tail -n 1 "$tmp/out") ok=0
  [ "$rc" = 0 ] && [ "$ready" = "host: ready (a run would exit 0)" ] && ok=1
  case $rc in 1|73|74|77) [ "$ready" = "host: not ready (a run would exit $rc)" ] && ok=1 ;; esac
  [ -s "$tmp/err" ] && ok=0
  if [ "$ok" = 0 ]; then
    echo "FAIL: expected 'netprom --check --config' on $2 to accept the config (exit 0 or a host status), got $rc; stderr:"
    cat "$tmp/err"
    fail=1
  else
    echo "ok: $2"
  fi
}

check "$conf" "the conffile as shipped"

# Uncomment every "# key = value" line and the [[target]] examples. targets_file names a
# file that does not exist here, so it is left out; the file_sd and mesh examples read files
# made here (the mesh list holds the example's self); source (IPv4) cannot go with the IPv6
# example target, so it is checked alone.
printf -- '- targets: [192.0.2.7]\n' >"$tmp/targets.yml"
printf -- '- targets: [192.0.2.8]\n  labels: {name: web1}\n- targets: [192.0.2.9]\n' >"$tmp/fleet.yml"
sed -E 's/^# (source = )/\1/' "$conf" >"$tmp/source.toml"
check "$tmp/source.toml" "the source example"
sed -E 's/^# ([a-z0-9_]+ = )/\1/; s/^# (\[\[target\]\])$/\1/' "$conf" | grep -v -e '^targets_file' -e '^source' |
  sed "s|\"/etc/netprom/|\"$tmp/|" >"$tmp/all.toml"
n=$(grep -cE '^[a-z0-9_]+ = ' "$tmp/all.toml" || true)
if [ "$n" -lt 19 ]; then
  echo "FAIL: expected at least 19 example keys in $conf, found $n"
  fail=1
fi
check "$tmp/all.toml" "every example uncommented ($n keys)"
grep -q 'gateway' "$tmp/out" || { echo "FAIL: expected the plan to list the example target 'gateway'; got:"; cat "$tmp/out"; fail=1; }
grep -q '^  192.0.2.7 -> 192.0.2.7 ' "$tmp/out" || { echo "FAIL: expected the plan to list the file_sd example's target; got:"; cat "$tmp/out"; fail=1; }
grep -q '^mesh: .* this host is web1,' "$tmp/out" || { echo "FAIL: expected the plan to show the mesh example; got:"; cat "$tmp/out"; fail=1; }
exit $fail
