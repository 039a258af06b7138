# SPDX-License-Identifier: MIT
# Every --long-option that `netprom --help` prints is documented in the rendered man page
# (mandoc -Tascii | col -b), so the page cannot fall behind the option table.
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
page="$top/man/netprom.1"
if ! command -v mandoc >/dev/null 2>&1; then
  echo "skipped: mandoc not installed (Debian package mandoc)"
  exit 77
fi
# In `make test` the binary is always built first, so a missing one is a failure.
if [ -z "${NETPROM:-}" ] || [ ! -x "$NETPROM" ]; then
  echo "FAIL: NETPROM='${NETPROM:-}' is not an executable netprom binary"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
timeout 10 "$NETPROM" --help >"$tmp/help" 2>"$tmp/help.err" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: expected '$NETPROM --help' to exit 0, got $rc; stderr:"
  cat "$tmp/help.err"
  exit 1
fi
mandoc -Tascii "$page" | col -b >"$tmp/page"
grep -oE -- '--[a-z0-9][a-z0-9-]*' "$tmp/help" | sort -u >"$tmp/options"
n=$(wc -l <"$tmp/options")
if [ "$n" -lt 10 ]; then
  echo "FAIL: expected at least 10 long options in --help, found $n:"
  cat "$tmp/help"
  exit 1
fi
missing=""
while read -r opt; do
  # Whole option only: --interface must not be satisfied by --interface-include.
  grep -qE -- "(^|[^a-z0-9-])${opt}([^a-z0-9-]|\$)" "$tmp/page" || missing="$missing $opt"
done <"$tmp/options"
if [ -n "$missing" ]; then
  echo "FAIL: options printed by --help but missing from man/netprom.1:$missing"
  exit 1
fi
echo "all $n long options of --help are in the man page"
