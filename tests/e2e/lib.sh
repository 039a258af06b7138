# SPDX-License-Identifier: MIT
# Sourced by tests/e2e/*.sh: a scratch directory and every process the test started, both
# removed on exit (also on failure); a node_exporter / Prometheus on free loopback ports; a
# parser of the text exposition format that compares netprom's file with what is served.
set -eu
top=${NETPROM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NETPROM=${NETPROM:-$top/build/netprom}
[ -x "$NETPROM" ] || { echo "FAIL: $NETPROM not built"; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/netprom-e2e.XXXXXX")
e2e_pids=()
cleanup_hooks=()
e2e_cleanup() {
  local p h
  for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done
  for p in "${e2e_pids[@]}"; do
    kill "$p" 2>/dev/null || continue
    # Give it 5 s to stop, then SIGKILL: a test never leaves a process behind.
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$scratch"
}
trap e2e_cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
need() { local t; for t in "$@"; do command -v "$t" >/dev/null || skip "needs $t"; done; }

# need_icmp: skips (77) when netprom may not open ICMP sockets here (not root and
# net.ipv4.ping_group_range excludes us): netprom itself then exits 77.
need_icmp() {
  local rc=0
  timeout 20 "$NETPROM" --config /dev/null --no-interfaces -o - -c 1 -W 0.5 127.0.0.1 >/dev/null 2>"$scratch/icmp.err" || rc=$?
  [ "$rc" != 77 ] || skip "no permission for ICMP sockets: $(tail -n 1 "$scratch/icmp.err")"
}

# need_node_exporter: sets NODE_EXPORTER (prometheus-node-exporter on Debian, node_exporter
# upstream) or skips.
need_node_exporter() {
  NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter) ||
    skip "needs prometheus-node-exporter"
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago (callers retry on a bind race).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL PID SECONDS: 0 when URL answers 200 while PID lives; 1 when PID died or time ran out.
wait_http() {
  local url=$1 pid=$2 end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      kill -0 "$pid" 2>/dev/null && return 0 || return 1
    fi
    sleep 0.1
  done
  return 1
}

# start_daemon NAME READY_PATH CMD...: runs CMD with its listen address set to 127.0.0.1:PORT
# (the literal word PORT in CMD is replaced), up to 5 ports, until READY_PATH answers.
# Sets PORT_<NAME> and PID_<NAME>; the log is $scratch/NAME.log.
start_daemon() {
  local name=$1 ready=$2; shift 2
  local try port pid args a
  for try in 1 2 3 4 5; do
    port=$(free_port)
    args=()
    for a in "$@"; do args+=("${a//PORT/$port}"); done
    "${args[@]}" >"$scratch/$name.log" 2>&1 &
    pid=$!
    e2e_pids+=("$pid")
    if wait_http "http://127.0.0.1:$port$ready" "$pid" 30; then
      printf -v "PORT_$name" %s "$port"
      printf -v "PID_$name" %s "$pid"
      echo "$name: pid $pid on 127.0.0.1:$port"
      return 0
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if ! grep -qi 'address already in use' "$scratch/$name.log"; then
      echo "--- $name log:"; tail -n 20 "$scratch/$name.log"
      fail "$name did not come up on 127.0.0.1:$port"
    fi
    echo "$name: port $port taken, retrying"
  done
  fail "$name: no free port after 5 tries"
}

# start_node_exporter DIR: node_exporter serving only the textfile collector of DIR.
start_node_exporter() {
  start_daemon node_exporter /metrics "$NODE_EXPORTER" \
    --web.listen-address=127.0.0.1:PORT --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$1" --web.disable-exporter-metrics --log.level=info
}

# scrape FILE: node_exporter's /metrics into FILE.
scrape() {
  curl -fsS --max-time 10 "http://127.0.0.1:$PORT_node_exporter/metrics" -o "$1" ||
    fail "cannot scrape node_exporter on 127.0.0.1:$PORT_node_exporter"
}

# The exposition parser and comparer (Python, so label values are decoded exactly).
cat >"$scratch/prom.py" <<'EOF'
"""Text exposition format 0.0.4: parse samples, compare netprom's file with a scrape."""
import math, sys

def parse_labels(s, i):
    """s[i] == '{'. Returns ([(name, raw_escaped, decoded)], index after '}')."""
    labels, i = [], i + 1
    while True:
        while s[i] in ' \t,': i += 1
        if s[i] == '}': return labels, i + 1
        j = s.index('=', i)
        name = s[i:j].strip()
        i = j + 1
        while s[i] in ' \t': i += 1
        if s[i] != '"': raise ValueError('label value not quoted')
        i += 1; start = i; dec = []
        while s[i] != '"':
            if s[i] == '\\':
                e = s[i + 1]
                if e not in '\\"n': raise ValueError('bad escape \\' + e)
                dec.append('\n' if e == 'n' else e); i += 2
            else:
                dec.append(s[i]); i += 1
        labels.append((name, s[start:i], ''.join(dec))); i += 1

def parse(path):
    """Returns (samples {(name, ((label, raw), ...sorted)): (value, {label: decoded})},
    help {family: text}, type {family: type})."""
    samples, helps, types = {}, {}, {}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip(): continue
            if line.startswith('#'):
                p = line.split(None, 3)
                if len(p) >= 3 and p[1] == 'HELP': helps[p[2]] = p[3] if len(p) > 3 else ''
                elif len(p) >= 4 and p[1] == 'TYPE': types[p[2]] = p[3]
                continue
            try:
                i = 0
                while i < len(line) and line[i] not in '{ \t': i += 1
                name, labels = line[:i], []
                if i < len(line) and line[i] == '{': labels, i = parse_labels(line, i)
                rest = line[i:].split()
                if len(rest) != 1: raise ValueError('want exactly one value, no timestamp')
                value = float(rest[0])
            except (ValueError, IndexError) as e:
                raise SystemExit(f'{path}:{lineno}: cannot parse [{line}]: {e}')
            # An empty label value is the same as no label (Prometheus' data model); node_exporter
            # gives every sample of a family the same label names, filling in "".
            labels = [l for l in labels if l[2] != '']
            key = (name, tuple(sorted((l[0], l[1]) for l in labels)))
            if key in samples: raise SystemExit(f'{path}:{lineno}: duplicate sample {line}')
            samples[key] = (value, {l[0]: l[2] for l in labels})
    return samples, helps, types

def show(key, value=None):
    s = key[0] + '{' + ','.join(f'{n}="{v}"' for n, v in key[1]) + '}'
    return s if value is None else f'{s} {value!r}'

def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))

def compare(written, served, prefix='netprom_'):
    """Every netprom_* sample, HELP and TYPE of the file is served, identically, and nothing more."""
    w, wh, wt = parse(written)
    s, sh, st = parse(served)
    s = {k: v for k, v in s.items() if k[0].startswith(prefix)}
    errors = []
    for k in sorted(w.keys() - s.keys()): errors.append('written, not served: ' + show(k, w[k][0]))
    for k in sorted(s.keys() - w.keys()): errors.append('served, not written: ' + show(k, s[k][0]))
    for k in sorted(w.keys() & s.keys()):
        if not same(w[k][0], s[k][0]):
            errors.append(f'value of {show(k)}: written {w[k][0]!r}, served {s[k][0]!r}')
    for fam in sorted(wt):
        if st.get(fam) != wt[fam]: errors.append(f'TYPE {fam}: written {wt[fam]}, served {st.get(fam)}')
        if sh.get(fam) != wh.get(fam): errors.append(f'HELP {fam}: written [{wh.get(fam)}], served [{sh.get(fam)}]')
    families = {k[0] for k in w}
    return errors, len(w), len(families)

def value(path, name, **labels):
    """The value of the one sample NAME with these (decoded) labels among others, or None."""
    found = [v for k, (v, dec) in parse(path)[0].items()
             if k[0] == name and all(dec.get(n) == x for n, x in labels.items())]
    if len(found) > 1: raise SystemExit(f'{path}: {len(found)} samples {name}{labels}')
    return found[0] if found else None

if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'compare':
        errors, n, fams = compare(sys.argv[2], sys.argv[3])
        for e in errors: print(e)
        print(f'{n} samples in {fams} families written; {len(errors)} differences')
        sys.exit(1 if errors or n == 0 else 0)
    if cmd == 'value':   # value FILE NAME [LABEL=VALUE ...] -> prints the value or "absent"
        labels = dict(a.split('=', 1) for a in sys.argv[4:])
        v = value(sys.argv[2], sys.argv[3], **labels)
        print('absent' if v is None else repr(v))
EOF
prom() { python3 "$scratch/prom.py" "$@"; }
