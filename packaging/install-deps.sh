#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages netprom needs, only those missing.
#   packaging/install-deps.sh build   what `make` needs
#   packaging/install-deps.sh test    plus what `make test` needs (real peers, linters)
#   packaging/install-deps.sh fuzz    plus clang and its sanitizer runtimes for `make fuzz`
# As root it runs apt-get; otherwise it uses sudo when that works without a password,
# else it names the missing packages and the command to install them, and fails.
set -eu
build="g++ make pkg-config libfmt-dev libcxxopts-dev libboost-test-dev libmnl-dev libtomlplusplus-dev libre2-dev nlohmann-json3-dev libyaml-cpp-dev"
test="$build build-essential iproute2 fping prometheus prometheus-node-exporter mandoc procps util-linux curl \
      valgrind debhelper systemd libcap2-bin python3 strace lintian bsdextrautils acl nftables"
fuzz="$test clang libclang-rt-14-dev"
case "${1:-build}" in
  build) want=$build ;;
  test) want=$test ;;
  fuzz) want=$fuzz ;;
  *) echo "usage: $0 build|test|fuzz" >&2; exit 64 ;;
esac
want="$want ${NETPROM_EXTRA_PACKAGES:-}"   # more to require (the tests use it)
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "netprom: error: missing Debian packages:$missing" >&2
  echo "netprom: hint: as root run: apt-get install$missing" >&2
  exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# node_exporter and prometheus are services in Debian; do not start them (policy-rc.d 101).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod 755 /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
