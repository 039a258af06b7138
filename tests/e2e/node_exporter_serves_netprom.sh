#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real node_exporter (textfile collector only) serves netprom's file unchanged, and a real
# Prometheus scraping it every second stores it with label values intact.
#  1. Negative control: a copy of netprom's output with one quote left unescaped, put into the
#     textfile directory, makes node_exporter report node_textfile_scrape_error 1 and serve none
#     of it; the comparer reports a changed value. So the checks below can fail.
#  2. netprom pings 127.0.0.1, ::1 and a destination whose name and label hold `"`, `\` and a
#     newline, into the directory: node_exporter serves every netprom_* sample, HELP and TYPE
#     with the same value and byte-identical escaped label values, and node_textfile_scrape_error 0.
#  3. Prometheus (scrape_interval 1s) returns netprom_ping_up{dest="127.0.0.1"} 1, lo's receive
#     packet counter with the file's value, and the weird name and label exactly (JSON-decoded).
. "$(dirname "$0")/lib.sh"
need prometheus curl python3
need_node_exporter
need_icmp

dir=$scratch/textfile
mkdir "$dir"
# Command-line destinations replace the config's targets, so all three are in the config.
cat >"$scratch/netprom.toml" <<'EOF'
count = 2
interval = 0.2
timeout = 1
[[target]]
host = "127.0.0.1"
[[target]]
host = "::1"
[[target]]
name = "we\"ird\\name\nx"
host = "127.0.0.1"
labels = { note = "a\"b\\c\nd" }
EOF
weird_name=$'we"ird\\name\nx'
weird_note=$'a"b\\c\nd'

start_node_exporter "$dir"

# --- 1. negative control -------------------------------------------------------------------
rc=0
"$NETPROM" --config "$scratch/netprom.toml" -o "$scratch/good.prom" 2>"$scratch/err" || rc=$?
[ "$rc" = 0 ] || { cat "$scratch/err"; fail "netprom (for the control) exited $rc, want 0"; }
grep -qF 'dest="we\"ird\\name\nx",note="a\"b\\c\nd"' "$scratch/good.prom" ||
  fail "netprom's file lacks the escaped weird labels: $(grep -F ird "$scratch/good.prom" | head -3)"
# Break one escape: an unescaped quote inside the label value.
sed 's/dest="we\\"ird/dest="we"ird/' "$scratch/good.prom" >"$dir/broken.prom"
cmp -s "$scratch/good.prom" "$dir/broken.prom" && fail "sed did not break the control file"
scrape "$scratch/broken-scrape.txt"
echo "negative control: broken line in the file:"
grep -m1 '^netprom_ping_up{dest="we"ird' "$dir/broken.prom" | sed 's/^/    /'
echo "negative control: node_exporter served:"
grep -E '^node_textfile_scrape_error|^netprom_build_info' "$scratch/broken-scrape.txt" | sed 's/^/    /'
echo "negative control: node_exporter logged:"
grep -i 'error' "$scratch/node_exporter.log" | tail -n 1 | sed 's/^/    /'
got=$(prom value "$scratch/broken-scrape.txt" node_textfile_scrape_error)
[ "$got" = 1.0 ] || fail "broken file: node_textfile_scrape_error is $got, want 1.0"
grep -q '^netprom_' "$scratch/broken-scrape.txt" && fail "broken file: node_exporter served netprom_* samples"
# The comparer notices a changed value (build_info 2 instead of 1).
sed 's/^\(netprom_build_info{.*}\) 1$/\1 2/' "$scratch/good.prom" >"$scratch/changed.prom"
if out=$(prom compare "$scratch/good.prom" "$scratch/changed.prom"); then
  fail "comparer found no difference between good.prom and changed.prom: $out"
fi
echo "negative control: comparer said: $(echo "$out" | head -1)"
rm "$dir/broken.prom"

# --- 2. netprom -> node_exporter ------------------------------------------------------------
rc=0
"$NETPROM" --config "$scratch/netprom.toml" -o "$dir/netprom.prom" 2>"$scratch/err" || rc=$?
[ "$rc" = 0 ] || { cat "$scratch/err"; fail "netprom exited $rc, want 0"; }
scrape "$scratch/scrape.txt"
got=$(prom value "$scratch/scrape.txt" node_textfile_scrape_error)
[ "$got" = 0.0 ] || { tail -n 5 "$scratch/node_exporter.log"; fail "node_textfile_scrape_error is $got, want 0.0"; }
if ! out=$(prom compare "$dir/netprom.prom" "$scratch/scrape.txt"); then
  echo "--- written:"; cat "$dir/netprom.prom"; echo "--- served:"; grep '^netprom_' "$scratch/scrape.txt"
  echo "--- differences:"; echo "$out" | tail -n 30
  fail "node_exporter does not serve netprom's file as written"
fi
echo "node_exporter vs file: $out"
for d in 127.0.0.1 ::1 "$weird_name"; do
  got=$(prom value "$scratch/scrape.txt" netprom_ping_up "dest=$d")
  [ "$got" = 1.0 ] || fail "served netprom_ping_up{dest=[$d]} is $got, want 1.0"
done
got=$(prom value "$scratch/scrape.txt" netprom_ping_up "dest=$weird_name" "note=$weird_note")
[ "$got" = 1.0 ] || fail "served netprom_ping_up with the weird dest and note is $got, want 1.0"
for fam in netprom_build_info netprom_network_receive_packets_total netprom_collector_success; do
  grep -q "^$fam" "$scratch/scrape.txt" || fail "$fam not served"
done

# --- 3. node_exporter -> Prometheus ---------------------------------------------------------
cat >"$scratch/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$PORT_node_exporter']
EOF
mkdir "$scratch/tsdb"
start_daemon prometheus /-/ready prometheus --config.file="$scratch/prometheus.yml" \
  --storage.tsdb.path="$scratch/tsdb" --web.listen-address=127.0.0.1:PORT --log.level=warn
lo_rx=$(prom value "$dir/netprom.prom" netprom_network_receive_packets_total device=lo)
[ "$lo_rx" != absent ] || fail "netprom wrote no receive packet counter for lo"
start=$SECONDS
rc=0
python3 - "http://127.0.0.1:$PORT_prometheus" "$weird_name" "$weird_note" "$lo_rx" <<'EOF' || rc=$?
import json, sys, time, urllib.parse, urllib.request
base, name, note, lo_rx = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])

def query(q):
    url = base + '/api/v1/query?' + urllib.parse.urlencode({'query': q})
    with urllib.request.urlopen(url, timeout=5) as r:
        body = json.load(r)
    if body.get('status') != 'success': raise SystemExit(f'{q}: {body}')
    return body['data']['result']

want = {
    'up': 'netprom_ping_up{dest="127.0.0.1"} == 1',
    'lo': 'netprom_network_receive_packets_total{device="lo"}',
    'weird': 'netprom_ping_up{note!=""}',
}
deadline, seen = time.time() + 60, {}
while time.time() < deadline:
    seen = {k: query(q) for k, q in want.items()}
    if all(seen.values()): break
    time.sleep(0.5)
for k, q in want.items():
    print(f'prometheus: {q} -> {json.dumps(seen.get(k))}')
missing = [want[k] for k in want if not seen.get(k)]
if missing: raise SystemExit(f'FAIL: after 60 s Prometheus has nothing for: {missing}')
lo = [float(r['value'][1]) for r in seen['lo']]
if lo != [lo_rx]: raise SystemExit(f'FAIL: lo receive packets in Prometheus {lo}, in the file {lo_rx}')
labels = [r['metric'] for r in seen['weird']]
if len(labels) != 1 or labels[0].get('dest') != name or labels[0].get('note') != note:
    raise SystemExit(f'FAIL: weird labels: want dest={name!r} note={note!r}, got {labels!r}')
print(f'prometheus: weird labels intact: dest={name!r} note={note!r}')
EOF
[ "$rc" = 0 ] || { echo "--- prometheus log:"; tail -n 10 "$scratch/prometheus.log"; fail "Prometheus check failed"; }
echo "prometheus had everything after $((SECONDS - start)) s"
echo ok
