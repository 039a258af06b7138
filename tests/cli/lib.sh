# SPDX-License-Identifier: MIT
# Sourced by tests/cli/*.sh: a scratch directory removed on exit, and small assertions.
set -eu
: "${NETPROM:?NETPROM must point at the netprom binary (tests/run.sh sets it)}"
scratch=$(mktemp -d /tmp/netprom-cli.XXXXXX)
cleanup_hooks=()
cleanup() {
  local h
  for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD, stdout to $scratch/out, stderr to $scratch/err.
expect_exit() {
  local want=$1; shift
  local rc=0
  "$@" >"$scratch/out" 2>"$scratch/err" || rc=$?
  [ "$rc" -eq "$want" ] || { cat "$scratch/err" >&2; fail "'$*' exited $rc, want $want"; }
}

# expect_stderr TEXT: stderr is exactly this one line.
expect_stderr() {
  local got; got=$(cat "$scratch/err")
  [ "$got" = "$1" ] || fail "stderr was [$got], want [$1]"
}

# only_files DIR NAME...: DIR holds exactly these entries (hidden ones included).
only_files() {
  local dir=$1; shift
  local got want
  got=$(ls -A "$dir" | sort | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "$dir holds [$got], want [$want]"
}

# wait_for_sockets PID: until the run has its ICMP sockets open, i.e. holds the output lock and
# is pinging. (Probing the lock with flock(1) would race: the probe itself takes it for a moment.)
wait_for_sockets() {
  local _
  for _ in $(seq 200); do
    ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'socket:' && return 0
    sleep 0.01
  done
  fail "process $1 never opened a socket"
}
