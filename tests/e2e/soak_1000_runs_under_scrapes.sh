#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Soak: 1,000 consecutive netprom runs (each pings 127.0.0.1 once) write one file while a real
# node_exporter is scraped in a tight loop. Every run exits 0; no scrape ever shows
# node_textfile_scrape_error 1 or lacks netprom_build_info (the last family, so a cut file
# would lack it); afterwards the directory holds exactly netprom.prom and its lock file.
# SOAK_RUNS overrides the number of runs (for a quick try).
. "$(dirname "$0")/lib.sh"
need curl python3
need_node_exporter
need_icmp
runs=${SOAK_RUNS:-1000}

dir=$scratch/textfile
mkdir "$dir"
netprom_args=(--config /dev/null -c 1 -i 0.001 -W 0.5 -o "$dir/netprom.prom" 127.0.0.1)
"$NETPROM" "${netprom_args[@]}" || fail "first netprom run exited $?, want 0"
start_node_exporter "$dir"

# The scraper: scrapes until $scratch/stop exists, counts scrapes and bad ones, keeps the first
# three bad bodies, and prints "SCRAPES BAD" into $scratch/scrapes.
python3 - "http://127.0.0.1:$PORT_node_exporter/metrics" "$scratch" >"$scratch/scraper.log" 2>&1 <<'EOF' &
import os, sys, urllib.request
url, scratch = sys.argv[1], sys.argv[2]
scrapes = bad = 0
def verdict(body):
    lines = body.splitlines()
    if 'node_textfile_scrape_error 0' not in lines:
        return 'no node_textfile_scrape_error 0: ' + repr([l for l in lines if 'scrape_error' in l])
    if not any(l.startswith('netprom_build_info{') for l in lines):
        return 'no netprom_build_info'
    return None
while not os.path.exists(scratch + '/stop'):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            body = r.read().decode('utf-8')
        why = verdict(body)
    except Exception as e:
        why = f'scrape failed: {e}'
        body = ''
    scrapes += 1
    if why:
        bad += 1
        print(f'scrape {scrapes}: {why}', flush=True)
        if bad <= 3:
            with open(f'{scratch}/bad-scrape-{bad}.txt', 'w') as f: f.write(body)
with open(scratch + '/scrapes', 'w') as f: f.write(f'{scrapes} {bad}\n')
EOF
scraper=$!
e2e_pids+=("$scraper")

start=$SECONDS
failed_runs=0
for ((i = 1; i <= runs; i++)); do
  rc=0
  timeout 10 "$NETPROM" "${netprom_args[@]}" 2>>"$scratch/netprom.err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    failed_runs=$((failed_runs + 1))
    echo "run $i exited $rc: $(tail -n 1 "$scratch/netprom.err")"
    [ "$failed_runs" -lt 5 ] || break
  fi
done
took=$((SECONDS - start))
touch "$scratch/stop"
wait "$scraper" || fail "scraper exited $?: $(tail -n 5 "$scratch/scraper.log")"
read -r scrapes bad <"$scratch/scrapes"

echo "runs: $((i - 1)) in ${took} s, $failed_runs failed; scrapes: $scrapes, $bad bad"
[ "$failed_runs" = 0 ] || fail "$failed_runs netprom runs failed, want 0"
[ "$bad" = 0 ] || {
  head -n 20 "$scratch/scraper.log"
  echo "--- first bad scrape (netprom_ and node_textfile lines):"
  grep -E '^(netprom_|node_textfile)' "$scratch/bad-scrape-1.txt" | tail -n 20
  fail "$bad of $scrapes scrapes were bad, want 0"
}
[ "$scrapes" -ge 100 ] || fail "only $scrapes scrapes during the soak, want at least 100"
only=$(ls -A "$dir" | sort | tr '\n' ' ')
[ "$only" = ".netprom.prom.lock netprom.prom " ] ||
  fail "$dir holds [$only], want [.netprom.prom.lock netprom.prom ]"
scrape "$scratch/last.txt"
got=$(prom value "$scratch/last.txt" netprom_ping_up dest=127.0.0.1)
[ "$got" = 1.0 ] || fail "after the soak netprom_ping_up{dest=\"127.0.0.1\"} is $got, want 1.0"
echo ok
