#!/usr/bin/env bash
# A --self (or, without it, a host name) that matches no member of the --mesh list is exit 78
# with one line naming the list and the nearest names; --self or --mesh-peers without --mesh is
# a usage error (64).
. "$(dirname "$0")/lib.sh"
printf -- '- targets: [198.18.0.1, 198.18.0.2, 198.18.0.3]\n- targets: [198.18.0.4]\n  labels: {name: web1}\n' \
  >"$scratch/fleet.yml"
expect_exit 78 "$NETPROM" --config /dev/null -o - --mesh "$scratch/fleet.yml" --self web2 --check
expect_stderr "netprom: error: $scratch/fleet.yml: --self 'web2' is not a member of the list (4 members); nearest: web1, 198.18.0.2, 198.18.0.1"
if [ "$(id -u)" -eq 0 ]; then  # a UTS namespace with a host name of our choosing
  expect_exit 78 unshare -u sh -c 'hostname 198.18.0.9 && exec "$@"' sh \
    "$NETPROM" --config /dev/null -o - --mesh "$scratch/fleet.yml" --check
  expect_stderr "netprom: error: $scratch/fleet.yml: this host's name '198.18.0.9' is not a member of the list (4 members); nearest: 198.18.0.1, 198.18.0.2, 198.18.0.3; give --self NAME"
  expect_exit 0 unshare -u sh -c 'hostname web1 && exec "$@"' sh \
    "$NETPROM" --config /dev/null -o - --mesh "$scratch/fleet.yml" --check
  grep -q '^mesh: .*this host is web1,' "$scratch/out" || fail "the host name was not taken as --self"
fi
expect_exit 64 "$NETPROM" --config /dev/null -o - --mesh-peers 3 --check
expect_stderr "netprom: error: --mesh-peers needs --mesh (the member list) (see 'netprom --help')"
expect_exit 64 "$NETPROM" --config /dev/null -o - --self web1 --check
expect_stderr "netprom: error: --self needs --mesh (the member list) (see 'netprom --help')"
echo ok
