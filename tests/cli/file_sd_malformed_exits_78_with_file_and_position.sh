#!/usr/bin/env bash
# A malformed file_sd file (JSON or YAML), or a missing one, is exit 78 with one line naming the
# file and the position; the previous output stays as it was.
. "$(dirname "$0")/lib.sh"
echo previous >"$scratch/n.prom"
printf '[{"targets": ["127.0.0.1"],\n  "labels": {"site": }}]\n' >"$scratch/bad.json"
printf -- '- targets: [127.0.0.1]\n  labels: {site: a}\n  lables: {x: y}\n' >"$scratch/bad.yml"
expect_exit 78 "$NETPROM" --config /dev/null -o "$scratch/n.prom" --file-sd "$scratch/bad.json" 127.0.0.1
expect_stderr "netprom: error: $scratch/bad.json:2:22: syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal"
expect_exit 78 "$NETPROM" --config /dev/null -o "$scratch/n.prom" --file-sd "$scratch/bad.yml"
expect_stderr "netprom: error: $scratch/bad.yml:3:3: unknown key 'lables' in a target group; each target group is {\"targets\": [...], \"labels\": {...}}"
expect_exit 78 "$NETPROM" --config /dev/null -o "$scratch/n.prom" --file-sd "$scratch/missing.yml"
expect_stderr "netprom: error: cannot read file_sd file $scratch/missing.yml: No such file or directory"
[ "$(cat "$scratch/n.prom")" = previous ] || fail "the previous output changed"
only_files "$scratch" n.prom bad.json bad.yml out err
echo ok
