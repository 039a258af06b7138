# SPDX-License-Identifier: MIT
# prometheus.yml and packaging/netprom-rules.yml pass promtool's checks, and the alert unit
# tests in packaging/netprom-rules.test.yml pass (each alert firing and not firing); the same for
# packaging/netprom-fleet-rules.yml and its tests (each recording rule's value too).
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v promtool >/dev/null 2>&1; then
  echo "skipped: promtool not installed (Debian package prometheus)"
  exit 77
fi
cd "$top"
fail=0
run() {
  echo "+ $*"
  if ! timeout 120 "$@"; then
    echo "FAIL: expected '$*' to exit 0"
    fail=1
  fi
}
run promtool check config prometheus.yml
run promtool check rules packaging/netprom-rules.yml
run promtool test rules packaging/netprom-rules.test.yml
run promtool check rules packaging/netprom-fleet-rules.yml
run promtool test rules packaging/netprom-fleet-rules.test.yml
# The config must load exactly our rules file and scrape node_exporter on localhost:9100.
grep -q 'packaging/netprom-rules.yml' prometheus.yml || { echo "FAIL: prometheus.yml does not load packaging/netprom-rules.yml"; fail=1; }
grep -q "localhost:9100" prometheus.yml || { echo "FAIL: prometheus.yml does not scrape localhost:9100"; fail=1; }
# Every alert the brief names exists.
for a in NetpromDestinationDown NetpromPacketLoss NetpromRttHigh NetpromReplyTtlChanged NetpromPathMtuDropped NetpromStale NetpromCollectorFailing; do
  grep -q "alert: $a\$" packaging/netprom-rules.yml || { echo "FAIL: alert $a missing from netprom-rules.yml"; fail=1; }
  grep -q "alertname: $a\$" packaging/netprom-rules.test.yml || { echo "FAIL: alert $a has no unit test"; fail=1; }
done
for a in NetpromFleetPathLossy NetpromFleetHostDown NetpromFleetMemberSilent NetpromFleetUnderwatched; do
  grep -q "alert: $a\$" packaging/netprom-fleet-rules.yml || { echo "FAIL: alert $a missing from netprom-fleet-rules.yml"; fail=1; }
  grep -q "alertname: $a\$" packaging/netprom-fleet-rules.test.yml || { echo "FAIL: alert $a has no unit test"; fail=1; }
done
grep -q 'packaging/netprom-fleet-rules.yml' prometheus.yml || { echo "FAIL: prometheus.yml does not load packaging/netprom-fleet-rules.yml"; fail=1; }
exit $fail
