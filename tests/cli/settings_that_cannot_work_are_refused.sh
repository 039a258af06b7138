#!/usr/bin/env bash
# Settings that cannot do what they say are refused with one line, before anything is written:
# --no-ping with --no-interfaces (nothing to do), a destination of the other family than
# --source, and the labels instance and job (Prometheus sets them when it scrapes). 64 from the
# command line, 78 from the config file.
. "$(dirname "$0")/lib.sh"
mkdir "$scratch/w" && cd "$scratch/w"
expect_exit 64 "$NETPROM" --config /dev/null -o out.prom --no-ping --no-interfaces
expect_stderr "netprom: error: --no-ping with --no-interfaces leaves nothing to do; drop one of them (see 'netprom --help')"
printf 'no_ping = true\nno_interfaces = true\n' >both.toml
expect_exit 78 "$NETPROM" --config both.toml -o out.prom
expect_stderr "netprom: error: both.toml:1:11: no_ping with no_interfaces leaves nothing to do; drop one of them"

expect_exit 64 "$NETPROM" --config /dev/null -o out.prom --source 127.0.0.1 127.0.0.2 lo6=::1
expect_stderr "netprom: error: destination '::1': host '::1' of target 'lo6' is an IPv6 address, but --source 127.0.0.1 is IPv4; ping each family in a run of its own with a source of that family, or leave out --source (see 'netprom --help')"
printf 'source = "::1"\n[[target]]\nhost = "127.0.0.1"\n' >source.toml
expect_exit 78 "$NETPROM" --config source.toml -o out.prom
expect_stderr "netprom: error: source.toml:2:1: host '127.0.0.1' is an IPv4 address, but --source ::1 is IPv6; ping each family in a run of its own with a source of that family, or leave out --source"
expect_exit 0 "$NETPROM" --config source.toml -o out.prom --check ::1

expect_exit 64 "$NETPROM" --config /dev/null -o out.prom --label job=pinger 127.0.0.1
expect_stderr "netprom: error: --label label name 'job' is set by Prometheus when it scrapes (yours would become 'exported_job'); choose another name, e.g. 'site' or 'role' (see 'netprom --help')"
printf '[[target]]\nhost = "127.0.0.1"\nlabels = { instance = "lo" }\n' >label.toml
expect_exit 78 "$NETPROM" --config label.toml -o out.prom
expect_stderr "netprom: error: label.toml:3:23: label name 'instance' is set by Prometheus when it scrapes (yours would become 'exported_instance'); choose another name, e.g. 'site' or 'role'"
only_files "$scratch/w" both.toml source.toml label.toml
echo ok
