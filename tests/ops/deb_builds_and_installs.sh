# SPDX-License-Identifier: MIT
# packaging/build-deb.sh builds a .deb that holds the binary, the man page, the conffile,
# the systemd units, the tmpfiles entry and the cron example; the units pass
# `systemd-analyze verify`; the binary extracted from the package runs --version.
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
for tool in dpkg-buildpackage dh dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool not installed (Debian packages dpkg-dev, debhelper)"
    exit 77
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(cat "$top/VERSION")
fail=0

echo "+ packaging/build-deb.sh $tmp/out"
if ! timeout 240 "$top/packaging/build-deb.sh" "$tmp/out"; then
  echo "FAIL: expected packaging/build-deb.sh to build the package"
  exit 1
fi
deb=$(ls "$tmp"/out/netprom_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "FAIL: expected $tmp/out/netprom_${version}_<arch>.deb, found: $(ls "$tmp/out")"; exit 1; }

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/contents"
for f in /usr/bin/netprom /usr/share/man/man1/netprom.1.gz /etc/netprom.toml \
         /lib/systemd/system/netprom.service /lib/systemd/system/netprom.timer \
         /usr/lib/tmpfiles.d/netprom.conf /usr/share/doc/netprom/netprom.cron \
         /usr/share/doc/netprom/examples/prometheus.yml \
         /usr/share/doc/netprom/examples/netprom-rules.yml; do
  grep -qx "$f" "$tmp/contents" || { echo "FAIL: expected $f in the package; dpkg-deb -c shows:"; cat "$tmp/contents"; fail=1; }
done
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles 2>/dev/null || true)
[ "$conffiles" = "/etc/netprom.toml" ] || { echo "FAIL: expected conffiles '/etc/netprom.toml', got '$conffiles'"; fail=1; }

# lintian comes with packaging/install-deps.sh test; where it is missing the check is skipped.
# When present, errors and warnings fail.
if command -v lintian >/dev/null 2>&1; then
  l=$(timeout 120 lintian "$deb" 2>&1 | grep -E '^[EW]: ' || true)
  if [ -n "$l" ]; then
    echo "FAIL: expected no lintian errors or warnings, got:"
    echo "$l"
    fail=1
  else
    echo "lintian: no errors or warnings"
  fi
else
  echo "note: lintian not installed; lintian check skipped"
fi

root="$tmp/root"
dpkg -x "$deb" "$root"

out=$("$root/usr/bin/netprom" --version 2>&1) || { echo "FAIL: expected the packaged netprom --version to exit 0; got: $out"; fail=1; }
case $out in
  *"$version"*) echo "packaged binary: $out" ;;
  *) echo "FAIL: expected --version to print $version, got: $out"; fail=1 ;;
esac
if command -v mandoc >/dev/null 2>&1; then
  lint=$(zcat "$root/usr/share/man/man1/netprom.1.gz" | mandoc -Tlint -Wwarning 2>&1) || true
  [ -z "$lint" ] || { echo "FAIL: packaged man page is not lint-clean: $lint"; fail=1; }
fi

# systemd-analyze verify checks the units against the host's systemd. It checks that
# ExecStart exists on the host, so verify copies whose ExecStart points into the extracted
# root; it also runs man(1) for Documentation=, which fails for a page not installed on
# the host, hence --man=no. It prints unknown keys as warnings with exit 0: any output fails.
if command -v systemd-analyze >/dev/null 2>&1 && systemd-analyze --version >/dev/null 2>&1; then
  mkdir "$tmp/units"
  for u in netprom.service netprom.timer; do
    sed "s|/usr/bin/netprom|$root/usr/bin/netprom|g" "$root/lib/systemd/system/$u" >"$tmp/units/$u"
  done
  if ! v=$(cd "$tmp/units" && timeout 60 systemd-analyze verify --man=no netprom.service netprom.timer 2>&1) || [ -n "$v" ]; then
    echo "FAIL: expected systemd-analyze verify to be silent, got:"
    echo "$v"
    fail=1
  else
    echo "systemd-analyze verify: units clean"
  fi
else
  echo "note: systemd-analyze is not available here; unit verification skipped"
fi
for key in Type=oneshot NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
           ReadWritePaths= StateDirectory=netprom AmbientCapabilities=CAP_NET_RAW \
           CapabilityBoundingSet=CAP_NET_RAW User=netprom \
           "RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_UNIX" TimeoutStartSec= \
           "ExecStart=/usr/bin/netprom --state-dir /var/lib/netprom"; do
  grep -q "^$key" "$root/lib/systemd/system/netprom.service" || { echo "FAIL: expected '$key' in netprom.service"; fail=1; }
done
for key in "OnCalendar=" AccuracySec=1s RandomizedDelaySec= Persistent=true WantedBy=timers.target; do
  grep -q "^$key" "$root/lib/systemd/system/netprom.timer" || { echo "FAIL: expected '$key' in netprom.timer"; fail=1; }
done
exit $fail
