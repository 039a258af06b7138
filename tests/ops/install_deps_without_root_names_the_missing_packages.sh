#!/usr/bin/env bash
# Not root and no password-less sudo: the install step installs nothing and says exactly which
# packages are missing and the command that installs them. With nothing missing it is silent.
. "$NETPROM_TOP/tests/cli/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (to become uid 65534)"; exit 77; }
as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all env HOME=/ "$@"; }
cd "$NETPROM_TOP"
expect_exit 0 as_nobody packaging/install-deps.sh build
[ ! -s "$scratch/out" ] && [ ! -s "$scratch/err" ] || fail "output with nothing missing: $(cat "$scratch/out" "$scratch/err")"
expect_exit 1 as_nobody env NETPROM_EXTRA_PACKAGES=netprom-no-such-package packaging/install-deps.sh build
expect_stderr "netprom: error: missing Debian packages: netprom-no-such-package
netprom: hint: as root run: apt-get install netprom-no-such-package"
echo ok
