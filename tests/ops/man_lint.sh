# SPDX-License-Identifier: MIT
# man/netprom.1 is clean under `mandoc -Tlint -Wwarning` and has every section operators need.
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
page="$top/man/netprom.1"
if ! command -v mandoc >/dev/null 2>&1; then
  echo "skipped: mandoc not installed (Debian package mandoc)"
  exit 77
fi
[ -f "$page" ] || { echo "FAIL: $page does not exist"; exit 1; }
fail=0
if ! out=$(mandoc -Tlint -Wwarning "$page" 2>&1) || [ -n "$out" ]; then
  echo "FAIL: expected no output from mandoc -Tlint -Wwarning, got:"
  echo "$out"
  fail=1
fi
for s in NAME SYNOPSIS DESCRIPTION OPTIONS CONFIGURATION METRICS FILES "EXIT STATUS" SECURITY EXAMPLES "SEE ALSO"; do
  grep -qx "\.SH \"\\{0,1\\}$s\"\\{0,1\\}" "$page" || { echo "FAIL: section $s missing from $page"; fail=1; }
done
exit $fail
