#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The packaged unit's ExecStart and the cron example's command name the textfile output with -o
# (netprom has no default file): even at a terminal, where a configured output is not used,
# their command lines plan to write /var/lib/prometheus/node-exporter/netprom.prom.
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -x "${NETPROM:-}" ] || { echo "FAIL: NETPROM='${NETPROM:-}' is not an executable netprom binary"; exit 1; }
want="output: /var/lib/prometheus/node-exporter/netprom.prom"
fail=0
unit=$(sed -n 's|^ExecStart=/usr/bin/netprom ||p' "$top/packaging/netprom.service")
cron=$(sed -n 's|^# \* \* \* \* \* *netprom  */usr/bin/netprom ||p' "$top/packaging/netprom.cron")
for args in "$unit" "$cron"; do
  [ -n "$args" ] || { echo "FAIL: no netprom command line found in netprom.service or netprom.cron"; fail=1; continue; }
  # script(1): a terminal, where only -o on the command line can name a file.
  got=$(TERM=dumb script -qec "$NETPROM --config /dev/null $args --check" /dev/null </dev/null | tr -d '\r' |
        grep '^output: ' || true)
  [ "$got" = "$want" ] || { echo "FAIL: '$args' plans [$got], want [$want]"; fail=1; }
done
[ "$fail" = 0 ] && echo "unit and cron example name the output"
exit $fail
