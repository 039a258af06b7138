#!/usr/bin/env bash
# Bad command lines exit 64 with one line naming the option and the allowed range, and print nothing else.
. "$(dirname "$0")/lib.sh"
hint="(see 'netprom --help')"
check() {  # check EXPECTED-STDERR ARGS...
  local want=$1; shift
  expect_exit 64 "$NETPROM" -o "$scratch/n.prom" "$@"
  expect_stderr "netprom: error: $want $hint"
  [ ! -s "$scratch/out" ] || fail "stdout not empty for $*"
}
check "--count must be a whole number from 1 to 10000, got 0" --count 0
check "--count must be a whole number from 1 to 10000, got 1000000000" --count 1000000000
check "--interval must be a number of seconds from 0.001 to 3600, got -1" --interval=-1
check "--size must be a whole number from 12 to 65500, got 70000" --size 70000
check "--timeout must be a number of seconds from 0.001 to 3600, got 'soon'" -W soon
check "unknown option '--bogus'" --bogus
check "unknown option '--intervall', did you mean '--interval'?" --intervall 1
check "unknown option '--interface-exclud', did you mean '--interface-exclude'?" --interface-exclud=lo
check "unknown option '-n'" -n 3
check "--count must be a whole number from 1 to 10000, got 'netprom.toml'" -c netprom.toml
check "--interval must be a number of seconds from 0.001 to 3600, got 'x'" -i0.2 -W0.5 -c3 -ix
check "-w needs a value" -c3 -w
check "--interface-exclude is not a valid RE2 pattern: '(': missing ): (" --interface-exclude '('
check "-4 and -6 exclude each other; give one" -4 -6 ::1
check "argument 2: duplicate target name 'a' (first at argument 1); give each a distinct name" a=127.0.0.1 a=::1
check "destination 'a=b=c': host 'b=c' of target 'a' is not a host name or address" a=b=c
check "destination 'bad"$'\xff'"=127.0.0.1': target name is not a valid label value: label values must be valid UTF-8" $'bad\xff=127.0.0.1'
[ ! -e "$scratch/n.prom" ] || fail "a usage error created the output"
echo ok
