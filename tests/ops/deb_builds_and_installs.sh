# SPDX-License-Identifier: MIT
# packaging/build-deb.sh builds a .deb that holds the binary, the man page, the conffile,
# the systemd units, the tmpfiles entry and the cron example; lintian -I is silent (so the
# dpkg-buildflags hardening is in); Depends names the shared libraries; the units pass
# `systemd-analyze verify`; the binary extracted from the package runs --version. As root on a
# host without netprom installed: installed, the examples pass `promtool check config`, and a
# purge removes the state directory, netprom's file and lock in the textfile directory and the
# ACL entry.
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

# NETPROM_DEB=path checks a package built already: `make test` builds it once, as its optimised
# build, and the other shell tests run its binary; `make deb` builds one too.
if [ -n "${NETPROM_DEB:-}" ]; then
  deb=$NETPROM_DEB
else
  echo "+ packaging/build-deb.sh $tmp/out"
  if ! timeout 420 "$top/packaging/build-deb.sh" "$tmp/out"; then
    echo "FAIL: expected packaging/build-deb.sh to build the package"
    exit 1
  fi
  deb=$(ls "$tmp"/out/netprom_"$version"_*.deb 2>/dev/null | head -n 1)
  [ -n "$deb" ] || { echo "FAIL: expected $tmp/out/netprom_${version}_<arch>.deb, found: $(ls "$tmp/out")"; exit 1; }
fi

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
# When present, errors, warnings and informational tags (-I: hardening-no-fortify-functions is
# one) fail.
if command -v lintian >/dev/null 2>&1; then
  l=$(timeout 120 lintian -I "$deb" 2>&1 | grep -E '^[EWI]: ' || true)
  if [ -n "$l" ]; then
    echo "FAIL: expected no lintian errors, warnings or informational tags, got:"
    echo "$l"
    fail=1
  else
    echo "lintian -I: no tags"
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

# dh_shlibdeps fills Depends from the shared libraries the binary links.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libfmt libtomlplusplus libre2 libmnl libstdc++; do
  case $depends in *"$lib"*) ;; *) echo "FAIL: expected $lib in Depends, got: $depends"; fail=1 ;; esac
done

# Install, check the installed examples, run once, purge.
textfile=/var/lib/prometheus/node-exporter
if [ "$(id -u)" -ne 0 ]; then
  echo "note: not root; install and purge checks skipped"
elif dpkg-query -W -f='${Status}' netprom 2>/dev/null | grep -q 'installed'; then
  echo "note: netprom is installed on this host; install and purge checks skipped"
elif ! command -v promtool >/dev/null 2>&1 || ! command -v getfacl >/dev/null 2>&1; then
  echo "note: promtool or getfacl missing; install and purge checks skipped"
else
  made_textfile=0
  [ -d "$textfile" ] || { mkdir -p "$textfile"; made_textfile=1; }
  acl_before=$(getfacl -cp "$textfile" 2>/dev/null | grep -E '^(user|group):[^:]+:|^mask::' || true)
  trap 'dpkg --purge netprom >/dev/null 2>&1 || true; [ "$made_textfile" = 0 ] || rmdir "$textfile" 2>/dev/null; rm -rf "$tmp"' EXIT
  echo "+ dpkg -i $deb"
  if ! out=$(DEBIAN_FRONTEND=noninteractive timeout 120 dpkg -i "$deb" 2>&1); then
    echo "FAIL: expected dpkg -i to install the package, got:"; echo "$out"; exit 1
  fi
  out=$(cd / && timeout 60 promtool check config /usr/share/doc/netprom/examples/prometheus.yml 2>&1) ||
    { echo "FAIL: expected promtool check config to pass on the installed example, got:"; echo "$out"; fail=1; }
  echo "$out" | grep -q 'SUCCESS: 2 rule files found' ||
    { echo "FAIL: expected the installed example to load both installed rule files (per-host and fleet), got:"; echo "$out"; fail=1; }
  # One run as the service would do it, leaving state, output and lock.
  rc=0
  timeout 60 /usr/bin/netprom --config /dev/null --state-dir /var/lib/netprom -o "$textfile/netprom.prom" \
    -c 1 -W 1 127.0.0.1 >/dev/null 2>"$tmp/run.err" || rc=$?
  [ "$rc" = 0 ] || { echo "FAIL: the installed netprom exited $rc: $(cat "$tmp/run.err")"; fail=1; }
  for f in /var/lib/netprom "$textfile/netprom.prom" "$textfile/.netprom.prom.lock"; do
    [ -e "$f" ] || { echo "FAIL: expected $f after a run"; fail=1; }
  done
  getfacl -cp "$textfile" 2>/dev/null | grep -q '^user:netprom:' ||
    { echo "FAIL: expected the postinst to give netprom an ACL entry on $textfile"; fail=1; }
  echo "+ dpkg --purge netprom"
  out=$(DEBIAN_FRONTEND=noninteractive timeout 120 dpkg --purge netprom 2>&1) ||
    { echo "FAIL: expected dpkg --purge to succeed, got:"; echo "$out"; fail=1; }
  for f in /var/lib/netprom "$textfile/netprom.prom" "$textfile/.netprom.prom.lock" /usr/bin/netprom /etc/netprom.toml; do
    [ ! -e "$f" ] || { echo "FAIL: expected $f to be gone after the purge"; fail=1; }
  done
  acl_after=$(getfacl -cp "$textfile" 2>/dev/null | grep -E '^(user|group):[^:]+:|^mask::' || true)
  [ "$acl_after" = "$acl_before" ] ||
    { echo "FAIL: expected the ACL of $textfile as before the install [$acl_before], got [$acl_after]"; fail=1; }
  [ "$fail" = 0 ] && echo "installed, examples checked, run, purged: nothing left"
fi
exit $fail
