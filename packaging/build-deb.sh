#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the netprom Debian package with debhelper (dh, compat 13) into build/deb/.
#   packaging/build-deb.sh [OUTDIR]
# It copies the tracked source tree to a scratch directory (so the build never touches the
# working tree or its build directories), adds packaging/debian/ as debian/, writes
# debian/changelog from VERSION and runs dpkg-buildpackage -b there.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
version=$(cat "$top/VERSION")

for tool in dpkg-buildpackage dh; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "netprom: error: $tool not found; hint: apt-get install dpkg-dev debhelper" >&2
    exit 1
  }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/netprom-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
src="$scratch/netprom-$version"
mkdir -p "$src"

# The tracked tree, as it is in the working tree; outside git, everything but build output.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$top" ls-files -z --cached | (cd "$top" && xargs -0 sh -c '
    dest=$0
    for f; do [ -f "$f" ] && cp --parents -p "$f" "$dest"; done; true' "$src")
else
  tar -C "$top" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
rm -rf "$src/debian"
cp -r "$top/packaging/debian" "$src/debian"

# A native package: its version is VERSION. The date is the last commit's, so two builds of
# one commit give the same changelog.
date=$(git -C "$top" log -1 --format=%cD 2>/dev/null || date -R)
cat >"$src/debian/changelog" <<CHANGELOG
netprom ($version) unstable; urgency=medium

  * Built from the netprom source tree.

 -- netprom maintainers <netprom@example.org>  $date
CHANGELOG

jobs=$(nproc 2>/dev/null || echo 1)
echo "building netprom $version in $src"
(cd "$src" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=$jobs}" \
  dpkg-buildpackage -b --no-sign >"$scratch/build.log" 2>&1) || {
  tail -n 60 "$scratch/build.log" >&2
  echo "netprom: error: dpkg-buildpackage failed in $src (log above)" >&2
  exit 1
}

mkdir -p "$out"
for f in "$scratch"/*.deb "$scratch"/*.buildinfo "$scratch"/*.changes; do
  [ -e "$f" ] && cp "$f" "$out/"
done
ls "$out"/netprom_"$version"_*.deb
