#!/usr/bin/env bash
# A rule broken by config values alone is a config error (78) at the deciding line, in the
# config's spelling; with a value of the rule on the command line it is a usage error (64).
# An empty targets file is an error, not a switch to the default gateways; a relative
# targets_file is read beside the config file, and its errors name the config line.
. "$(dirname "$0")/lib.sh"
cd "$scratch"
printf 'count = 5\ninterval = 1\ndeadline = 1\n' >rule.toml
expect_exit 78 "$NETPROM" --config rule.toml -o n.prom 127.0.0.1
expect_stderr "netprom: error: rule.toml:3:12: deadline 1 s is shorter than the requests need ((count - 1) * interval + timeout = 6 s); raise deadline or lower count, interval or timeout"
printf 'deadline = 1\n' >rule.toml
expect_exit 64 "$NETPROM" --config rule.toml -o n.prom -c 5 127.0.0.1
expect_stderr "netprom: error: --deadline 1 s is shorter than the requests need ((count - 1) * interval + timeout = 6 s); raise --deadline or lower --count, --interval or --timeout (see 'netprom --help')"

printf '# nothing yet\n\n   # really\n' >empty.txt
expect_exit 78 "$NETPROM" --config /dev/null -o n.prom -f empty.txt
expect_stderr "netprom: error: empty.txt: no destinations, only blank lines and comments; give one DEST a line"
expect_exit 78 "$NETPROM" --config /dev/null -o n.prom -f - </dev/null
expect_stderr "netprom: error: standard input: no destinations, only blank lines and comments; give one DEST a line"

mkdir -p etc elsewhere
printf 'lo=127.0.0.1\n' >etc/list.txt
printf 'targets_file = "list.txt"\n' >etc/netprom.toml
(cd elsewhere && expect_exit 0 "$NETPROM" --config ../etc/netprom.toml -o - --check)
grep -q "^  lo -> 127.0.0.1   (../etc/list.txt:1:1)$" "$scratch/out" || { cat "$scratch/out"; fail "targets_file not read beside the config"; }
printf 'targets_file = "missing.txt"\n' >etc/netprom.toml
(cd elsewhere && expect_exit 78 "$NETPROM" --config ../etc/netprom.toml -o n.prom)
expect_stderr "netprom: error: ../etc/netprom.toml:1:16: cannot read targets file ../etc/missing.txt: No such file or directory"
printf '# emptied\n' >etc/list.txt
printf 'targets_file = "list.txt"\n' >etc/netprom.toml
(cd elsewhere && expect_exit 78 "$NETPROM" --config ../etc/netprom.toml -o n.prom)
expect_stderr "netprom: error: ../etc/netprom.toml:1:16: ../etc/list.txt: no destinations, only blank lines and comments; give one DEST a line"
[ ! -e n.prom ] && [ ! -e elsewhere/n.prom ] || fail "a config error created the output"
echo ok
