#!/usr/bin/env bash
# The shipped packaging/examples/shared-targets.yml (the one file_sd file README shows serving
# blackbox_exporter and netprom) is read by --file-sd: --check lists its three targets with their
# group labels, the port dropped, `name` as the dest and the "__" label gone.
. "$(dirname "$0")/lib.sh"
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
example=$top/packaging/examples/shared-targets.yml
expect_exit 0 "$NETPROM" --config /dev/null -o - --file-sd "$example" --check
grep '^  .* -> ' "$scratch/out" >"$scratch/dests"
diff -u - "$scratch/dests" <<EOF || fail "destinations differ"
  192.0.2.10 -> 192.0.2.10 role="web" site="fra1"   ($example:8:13)
  192.0.2.11 -> 192.0.2.11 role="web" site="fra1"   ($example:8:27)
  resolver-fra1 -> 2001:db8::53 role="dns" site="fra1"   ($example:12:13)
EOF
[ ! -s "$scratch/err" ] || fail "stderr: $(cat "$scratch/err")"
echo ok
