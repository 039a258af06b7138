#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A simulated fleet, end to end (issue 17 item 4): 8 hosts, each its own network namespace on
# one Linux bridge (in a "switch" namespace), addresses 198.18.1.I/24 and fd42::I/64. Each host
# runs netprom every ~2 s (--state-dir) into its own textfile directory in mesh mode: the same
# member list (--mesh, a file_sd file), its own --self, K=4 peers (--mesh-peers); a real
# node_exporter per host (textfile collector only) serves that directory on 198.18.1.I:9100; one
# real Prometheus in the switch namespace (127.0.0.1:9090 there) scrapes all 8 every second and
# evaluates packaging/netprom-fleet-rules.yml every second. Read from Prometheus's HTTP API:
#  1. the matrix is complete: N x K paths, K per host, none to itself, every dest a member,
#     exactly the choice `netprom --check --mesh` prints for the whole fleet; every host's
#     netprom_mesh_members is N and netprom_mesh_inbound_peers its watched-by count there; all
#     lossless; no fleet alert pending or firing;
#  2. two paths broken: an IPv4 blackhole route for a peer in one source's namespace (its
#     requests are refused) and an IPv6 blackhole route for a source's address in its peer's
#     namespace (requests arrive, replies are dropped). NetpromFleetPathLossy fires for exactly
#     the (source instance, dest) pairs those routes break (computed from the routes and the
#     paths pinged), and instance_dest:netprom_ping_loss:ratio5m > 0.1 names exactly them,
#     at ratio 1; NetpromFleetHostDown does not fire;
#  3. routes removed: every alert resolves and the matrix is lossless again;
#  4. one host stops answering pings (net.ipv4.icmp_echo_ignore_all and the IPv6 one) and
#     another host's netprom loop stops: NetpromFleetHostDown names exactly the silent host,
#     NetpromFleetMemberSilent exactly the stopped one, and no path alert fires;
#  5. the silent host answers again: HostDown resolves;
#  6. over the whole test (ALERTS history), PathLossy, HostDown and MemberSilent fired for
#     exactly those pairs and hosts, never for anything else; every netprom run exited 0;
#  7. every panel query of packaging/netprom-fleet-dashboard.json returns data (Grafana's
#     variables replaced by fixed values: $__rate_interval 10s, $instance and $dest '.*').
#
# Time scale. The shipped rules use real-world windows (netprom runs once a minute; windows of
# 5 minutes, `for: 5m`, silent after 300 s). Here netprom runs every ~2 s, so the test loads a
# copy scaled by 30 with this sed, and checks that nothing unscaled is left:
#   for: 5m -> for: 10s     [5m] -> [10s]     > 300 -> > 10
# The shipped file itself stays realistic and is tested as is by promtool
# (tests/ops/promtool_config_and_rules.sh).
#
# Every wait polls the API against a generous deadline (no fixed sleeps decide anything); the
# test takes ~90 s on 2 busy cores. Skips (77) unless root, or without prometheus, promtool,
# node_exporter, curl, python3. Nothing leaves the machine: all addresses live on the bridge
# inside the test's namespaces; the EXIT trap removes every namespace (and with it every link
# and the bridge), process and file, also on failure.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
need prometheus promtool curl python3 ip sysctl
need_node_exporter

N=8 K=4
tag=fl$$                 # every namespace and link name carries the shell's pid
SW=${tag}sw              # the switch namespace: the bridge and Prometheus
nss=()
for i in $(seq "$N"); do nss+=("${tag}h$i"); done

fleet_cleanup() {
  local ns pid
  # Stop the loops first (so they start no new netprom), then everything in the namespaces.
  for ns in "${nss[@]}" "$SW"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  done
  for _ in $(seq 50); do
    local left=0
    for ns in "${nss[@]}" "$SW"; do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for ns in "${nss[@]}" "$SW"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true   # takes its links (and the bridge) with it
  done
  e2e_cleanup
}
trap fleet_cleanup EXIT

# --- the network ------------------------------------------------------------------------------
ip netns add "$SW" || fail "cannot create namespace $SW"
ip -n "$SW" link set lo up
ip -n "$SW" link add br0 type bridge
ip -n "$SW" addr add 198.18.1.254/24 dev br0
ip -n "$SW" addr add fd42::fe/64 dev br0 nodad
ip -n "$SW" link set br0 up
for i in $(seq "$N"); do
  ns=${nss[i-1]}
  ip netns add "$ns" || fail "cannot create namespace $ns"
  ip link add "${tag}a$i" netns "$ns" type veth peer name "${tag}b$i" netns "$SW" ||
    fail "cannot create veth pair ${tag}a$i/${tag}b$i"
  ip -n "$SW" link set "${tag}b$i" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "198.18.1.$i/24" dev "${tag}a$i"
  ip -n "$ns" addr add "fd42::$i/64" dev "${tag}a$i" nodad
  ip -n "$ns" link set "${tag}a$i" up
done

# --- the member list --------------------------------------------------------------------------
# One shared list in Prometheus's file_sd format, as --mesh will read it. Odd members are
# listed by their IPv4 address, even ones by IPv6, so both families cross the whole pipeline.
addr_of() { if [ $(($1 % 2)) = 1 ]; then echo "198.18.1.$1"; else echo "fd42::$1"; fi; }
{
  echo '['
  for i in $(seq "$N"); do
    sep=,; [ "$i" = "$N" ] && sep=
    echo "  {\"targets\": [\"$(addr_of "$i")\"], \"labels\": {\"name\": \"h$i\"}}$sep"
  done
  echo ']'
} >"$scratch/fleet.json"
# The whole fleet's choice, as every member computes it from the list: "NAME -> PEER ... (watched
# by N)" lines; the baseline below compares it with what Prometheus holds.
"$NETPROM" --config /dev/null -o - --mesh "$scratch/fleet.json" --self h1 --mesh-peers "$K" --check \
  >"$scratch/plan" || fail "netprom --check --mesh failed"
# The lines after the plan's summary, up to the settings' origins.
sed '1,/^mesh: /d; /^settings:$/,$d' "$scratch/plan" >"$scratch/choice"
[ "$(wc -l <"$scratch/choice")" = "$N" ] || fail "--check printed no choice for all $N members: $(cat "$scratch/plan")"
python3 - "$scratch" "$N" <<'EOF'
import json, sys
scratch, n = sys.argv[1], int(sys.argv[2])
members = {}
for t in json.load(open(f'{scratch}/fleet.json')):
    name, i = t['labels']['name'], int(t['labels']['name'][1:])
    members[name] = {'listed': t['targets'][0], 'addr4': f'198.18.1.{i}', 'addr6': f'fd42::{i}',
                     'instance': f'198.18.1.{i}:9100'}
assert len(members) == n
json.dump(members, open(f'{scratch}/members.json', 'w'), indent=1)
EOF

# --- netprom on every host --------------------------------------------------------------------
cat >"$scratch/loop.sh" <<'EOF'
# loop.sh DIR NETPROM ARGS...: runs netprom every ~2 s until DIR/stop exists (at most 300 s),
# counting runs and recording any exit status but 0.
dir=$1; shift
runs=0
while [ ! -e "$dir/stop" ] && [ "$SECONDS" -lt 300 ]; do
  rc=0
  "$@" 2>>"$dir/netprom.err" || rc=$?
  runs=$((runs + 1))
  [ "$rc" = 0 ] || echo "run $runs exited $rc" >>"$dir/failures"
  echo "$runs" >"$dir/runs"
  sleep 1.5
done
EOF
loop_pids=()
for i in $(seq "$N"); do
  name=h$i ns=${nss[i-1]} dir=$scratch/h$i
  mkdir -p "$dir/textfile" "$dir/state"
  peer_args=(--mesh "$scratch/fleet.json" --self "$name" --mesh-peers "$K")
  ip netns exec "$ns" bash "$scratch/loop.sh" "$dir" "$NETPROM" --config /dev/null --no-interfaces \
    --count 3 --interval 0.2 --timeout 1 --pmtu --state-dir "$dir/state" \
    --output "$dir/textfile/netprom.prom" "${peer_args[@]}" &
  loop_pids+=($!)
  e2e_pids+=($!)
  ip netns exec "$ns" "$NODE_EXPORTER" --web.listen-address="198.18.1.$i:9100" \
    --collector.disable-defaults --collector.textfile --collector.textfile.directory="$dir/textfile" \
    --web.disable-exporter-metrics --log.level=warn >"$dir/node_exporter.log" 2>&1 &
  e2e_pids+=($!)
done

# --- Prometheus -------------------------------------------------------------------------------
rules=$top/packaging/netprom-fleet-rules.yml
sed -e 's/for: 5m$/for: 10s/' -e 's/\[5m\]/[10s]/g' -e 's/> 300$/> 10/' "$rules" >"$scratch/fleet-rules.yml"
if grep -nE 'for: [0-9]+[mhd]|\[[0-9]+[mhd]\]|> 300$' "$scratch/fleet-rules.yml"; then
  fail "the time-scaling sed left the durations above unscaled in $rules"
fi
[ "$(diff "$rules" "$scratch/fleet-rules.yml" | grep -c '^>')" -ge 6 ] || fail "the time-scaling sed changed fewer lines than expected"
promtool check rules "$scratch/fleet-rules.yml" >/dev/null || fail "the scaled rules do not pass promtool check rules"
{
  cat <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $scratch/fleet-rules.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets:
EOF
  for i in $(seq "$N"); do echo "          - 198.18.1.$i:9100"; done
} >"$scratch/prometheus.yml"
mkdir "$scratch/tsdb"
ip netns exec "$SW" prometheus --config.file="$scratch/prometheus.yml" --storage.tsdb.path="$scratch/tsdb" \
  --web.listen-address=127.0.0.1:9090 --log.level=warn >"$scratch/prometheus.log" 2>&1 &
prom_pid=$!
e2e_pids+=("$prom_pid")
for _ in $(seq 300); do
  ip netns exec "$SW" curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:9090/-/ready 2>/dev/null && break
  kill -0 "$prom_pid" 2>/dev/null || { tail -n 20 "$scratch/prometheus.log"; fail "prometheus exited"; }
  sleep 0.1
done
ip netns exec "$SW" curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:9090/-/ready ||
  fail "prometheus not ready after 30 s"
echo "fleet: $N hosts, K=$K, prometheus ready after ${SECONDS}s"

# --- the checks (Python, in the switch namespace where Prometheus listens) -------------------
cat >"$scratch/fleet.py" <<'EOF'
"""fleet.py SCRATCH COMMAND ...: reads the fleet's state from Prometheus's HTTP API."""
import json, sys, time, urllib.parse, urllib.request
scratch, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
base = 'http://127.0.0.1:9090'
members = json.load(open(f'{scratch}/members.json'))
name_of = {m['instance']: n for n, m in members.items()}

def get(path, **params):
    with urllib.request.urlopen(base + path + '?' + urllib.parse.urlencode(params), timeout=10) as r:
        body = json.load(r)
    if body.get('status') != 'success': raise SystemExit(f'FAIL: {path} {params}: {body}')
    return body['data']

def query(q): return get('/api/v1/query', query=q)['result']

def pairs_of(results):
    """{(source name, dest)} of query results or of alerts' label sets."""
    labels = [r.get('metric', r) for r in results]
    return {(name_of.get(l.get('instance'), l.get('instance')), l['dest']) for l in labels}

def show(pairs): return ' '.join(sorted(f'{s}>{d}' for s, d in pairs)) or '(none)'

def alerts(name, state='firing'):
    return [a['labels'] for a in get('/api/v1/alerts')['alerts']
            if a['labels'].get('alertname') == name and a['state'] == state]

def fleet_alerts():
    return sorted(f"{a['labels']['alertname']}/{a['state']}" for a in get('/api/v1/alerts')['alerts'])

def until(what, check, timeout=90):
    """Polls check() -> (ok, detail) every 0.5 s until ok, or fails after timeout s."""
    start, deadline, detail = time.time(), time.time() + timeout, None
    while time.time() < deadline:
        ok, detail = check()
        if ok:
            print(f'  {what}: after {time.time() - start:.0f} s: {detail}')
            return
        time.sleep(0.5)
    raise SystemExit(f'FAIL: {what}: not within {timeout} s; last seen: {detail}')

def pinged():
    return pairs_of(query('netprom_ping_up'))

def lossy_recorded():
    return pairs_of(query('instance_dest:netprom_ping_loss:ratio5m > 0.1'))

def baseline(n, k):
    def check():
        up = query('up{job="node"} == 1')
        pairs = pinged()
        loss = query('instance_dest:netprom_ping_loss:ratio5m')
        nonzero = [r for r in loss if float(r['value'][1]) != 0]
        active = fleet_alerts()
        members_seen = {name_of.get(r['metric']['instance']): r['value'][1] for r in query('netprom_mesh_members')}
        ok = (len(up) == n and len(pairs) == n * k and len(loss) == n * k and not nonzero and not active
              and len(members_seen) == n)
        return ok, (f'{len(up)} of {n} node_exporters up, {len(pairs)} paths pinged, '
                    f'{len(loss)} loss ratios ({len(nonzero)} not 0), {len(members_seen)} hosts publish '
                    f'mesh gauges, alerts: {active or "none"}')
    until('baseline: every path measured and lossless, no alert', check)
    pairs = pinged()
    # The paths are the choice `netprom --check --mesh` prints for the whole fleet, and each
    # host's gauges say what that choice says: N members, watched by as many as choose it.
    choice, watched = set(), {}
    for line in open(f'{scratch}/choice'):
        words = line.split()          # NAME -> PEER ... (watched by N)
        choice |= {(words[0], p) for p in words[2:-3]}
        watched[words[0]] = words[-1].rstrip(')')
    if pairs != choice:
        raise SystemExit(f'FAIL: Prometheus holds paths {show(pairs)}, --check chose {show(choice)}')
    for r in query('netprom_mesh_members'):
        if r['value'][1] != str(n): raise SystemExit(f'FAIL: netprom_mesh_members {r}')
    inbound = {name_of.get(r['metric']['instance']): r['value'][1] for r in query('netprom_mesh_inbound_peers')}
    if inbound != watched:
        raise SystemExit(f'FAIL: netprom_mesh_inbound_peers {inbound}, --check says watched by {watched}')
    print(f'  the {n * k} paths are the choice of netprom --check --mesh; inbound peers {inbound}')
    for s in members:
        dests = sorted(d for x, d in pairs if x == s)
        if len(dests) != k or s in dests or not set(dests) <= members.keys():
            raise SystemExit(f'FAIL: {s} pings {dests}: want {k} other members')
        print(f'  {s} ({members[s]["listed"]}) pings {" ".join(dests)}')
    json.dump(sorted(pairs), open(f'{scratch}/pairs.json', 'w'))

def broken(routes):
    """The pairs a set of blackhole routes [(host, address)] breaks: the request leaves the source
    towards the dest's listed address, the reply leaves the dest towards the source's address of
    the same family."""
    out = set()
    for s, d in map(tuple, json.load(open(f'{scratch}/pairs.json'))):
        listed = members[d]['listed']
        back = members[s]['addr6' if ':' in listed else 'addr4']
        if (s, listed) in routes or (d, back) in routes: out.add((s, d))
    return out

def expect_paths(routes):
    want = broken(routes)
    def check():
        firing, recorded = pairs_of(alerts('NetpromFleetPathLossy')), lossy_recorded()
        ratios = {float(r['value'][1]) for r in query('instance_dest:netprom_ping_loss:ratio5m > 0.1')}
        host = alerts('NetpromFleetHostDown') + alerts('NetpromFleetHostDown', 'pending')
        return (firing == want and recorded == want and ratios == {1.0} and not host,
                f'PathLossy firing for {show(firing)}; loss ratio > 0.1 recorded for {show(recorded)} '
                f'at {sorted(ratios)}; HostDown {len(host)}; want {show(want)}')
    until(f'broken paths {show(want)} alert', check)
    json.dump(sorted(want), open(f'{scratch}/broken.json', 'w'))

def expect_none(what, but_silent=False):
    """No fleet alert pending or firing (but NetpromFleetMemberSilent, when but_silent)."""
    def check():
        active = [a for a in fleet_alerts() if not (but_silent and a.startswith('NetpromFleetMemberSilent/'))]
        return not active and not lossy_recorded(), f'alerts: {active or "none"}; lossy: {show(lossy_recorded())}'
    until(what, check)

def expect_host_and_silent(down, stopped):
    def check():
        hosts = {a['dest'] for a in alerts('NetpromFleetHostDown')}
        silent = {name_of.get(a['instance']) for a in alerts('NetpromFleetMemberSilent')}
        paths = pairs_of(alerts('NetpromFleetPathLossy'))
        return (hosts == {down} and silent == {stopped} and not paths,
                f'HostDown {sorted(hosts)}, MemberSilent {sorted(silent)}, PathLossy {show(paths)}')
    until(f'HostDown names {down}, MemberSilent names {stopped}', check)

def pick(kind):
    """Prints a choice for the shell, from the pairs really pinged."""
    pairs = [tuple(p) for p in json.load(open(f'{scratch}/pairs.json'))]
    fam6 = lambda d: ':' in members[d]['listed']
    # Prints nothing when there is no such choice (the shell then fails with a message).
    if kind == 'v4':        # a source, and a peer it pings over IPv4
        p = next((p for p in pairs if not fam6(p[1])), None)
        if p: print(p[0], p[1], members[p[1]]['addr4'])
    elif kind == 'v6':      # a pair over IPv6 away from the v4 pair: dest, source's IPv6 address
        avoid = set(args[1:])
        p = next((p for p in pairs if fam6(p[1]) and not {p[0], p[1]} & avoid), None)
        if p: print(p[1], p[0], members[p[0]]['addr6'])
    elif kind == 'down':    # a host with at least two watchers, and a host that watches none of them
        watchers = lambda x: {s for s, d in pairs if d == x}
        down = next((x for x in sorted(members) if len(watchers(x)) >= 2), None)
        stopped = down and next((x for x in sorted(members) if x != down and x not in watchers(down)), None)
        if stopped: print(down, stopped)

def history(seconds, down, stopped):
    want_paths = {tuple(p) for p in json.load(open(f'{scratch}/broken.json'))}
    q = lambda name: query(f'max_over_time(ALERTS{{alertname="{name}",alertstate="firing"}}[{seconds}s])')
    paths = pairs_of(q('NetpromFleetPathLossy'))
    hosts = {r['metric']['dest'] for r in q('NetpromFleetHostDown')}
    silent = {name_of.get(r['metric']['instance']) for r in q('NetpromFleetMemberSilent')}
    print(f'  fired over {seconds} s: PathLossy {show(paths)}; HostDown {sorted(hosts)}; MemberSilent {sorted(silent)}')
    if paths != want_paths or hosts != {down} or silent != {stopped}:
        raise SystemExit(f'FAIL: over the test, want PathLossy {show(want_paths)}, HostDown [{down}], '
                         f'MemberSilent [{stopped}]')

def panels(path):
    """Every panel query of the dashboard returns data. Grafana's variables get fixed values:
    $__rate_interval 10s (5 netprom runs here; Grafana's own is at least 4 scrape intervals),
    $instance and $dest '.*' (their "All")."""
    subst = {'$__rate_interval': '10s', '$instance': '.*', '$dest': '.*'}
    dash, n = json.load(open(path)), 0
    todo = list(dash['panels'])
    while todo:
        p = todo.pop(0)
        todo += p.get('panels', [])          # panels inside collapsed rows
        if p.get('type') == 'row': continue
        if not p.get('targets'): raise SystemExit(f'FAIL: panel {p.get("title")!r} has no query')
        for t in p['targets']:
            q = t['expr']
            for k, v in subst.items(): q = q.replace(k, v)
            if '$' in q: raise SystemExit(f'FAIL: panel {p["title"]!r}: unknown variable left in {q}')
            got = query(q)
            print(f'  {len(got):3} series: {p["title"]}: {q}')
            finite = [r for r in got if r['value'][1] not in ('NaN', '+Inf', '-Inf')]
            if not finite: raise SystemExit(f'FAIL: panel {p["title"]!r} returns no data (or only NaN): {q}')
            n += 1
    if n == 0: raise SystemExit(f'FAIL: no panel query in {path}')
    print(f'  all {n} panel queries return data')

if cmd == 'baseline': baseline(int(args[0]), int(args[1]))
elif cmd == 'pick': pick(args[0])
elif cmd == 'paths': expect_paths({(args[i], args[i + 1]) for i in range(0, len(args), 2)})
elif cmd == 'none': expect_none(' '.join(args))
elif cmd == 'none-but-silent': expect_none(' '.join(args), True)
elif cmd == 'host': expect_host_and_silent(args[0], args[1])
elif cmd == 'panels': panels(args[0])
elif cmd == 'history': history(int(args[0]), args[1], args[2])
else: raise SystemExit(f'fleet.py: unknown command {cmd}')
EOF
fleet() { ip netns exec "$SW" python3 "$scratch/fleet.py" "$scratch" "$@"; }
ns_of() { echo "${tag}${1}"; }

echo "== 1. baseline"
fleet baseline "$N" "$K"

echo "== 2. two paths broken"
read -r s4 d4 a4 < <(fleet pick v4) || true
read -r h6 s6 a6 < <(fleet pick v6 "$s4" "$d4") || true
if [ -z "${a4:-}" ] || [ -z "${a6:-}" ]; then fail "found no IPv4 and IPv6 pair to break (see the pairs above)"; fi
echo "  $s4: ip route add blackhole $a4/32 (its requests to $d4 are refused)"
ip -n "$(ns_of "$s4")" route add blackhole "$a4/32"
echo "  $h6: ip -6 route add blackhole $a6/128 (its replies to $s6 are dropped)"
ip -n "$(ns_of "$h6")" -6 route add blackhole "$a6/128"
fleet paths "$s4" "$a4" "$h6" "$a6"

echo "== 3. repaired"
ip -n "$(ns_of "$s4")" route del blackhole "$a4/32"
ip -n "$(ns_of "$h6")" -6 route del blackhole "$a6/128"
fleet none "every alert resolved, matrix lossless"

echo "== 4. a host stops answering, another host's netprom stops"
read -r down stopped < <(fleet pick down) || true
[ -n "${stopped:-}" ] || fail "found no host with two watchers and another outside them (see the pairs above)"
echo "  $down ignores echo requests; $stopped's netprom loop stops"
ip netns exec "$(ns_of "$down")" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1
touch "$scratch/$stopped/stop"
i=${stopped#h}
for _ in $(seq 100); do kill -0 "${loop_pids[i-1]}" 2>/dev/null || break; sleep 0.1; done
kill -0 "${loop_pids[i-1]}" 2>/dev/null && fail "$stopped's netprom loop did not stop within 10 s"
fleet host "$down" "$stopped"

echo "== 5. $down answers again"
ip netns exec "$(ns_of "$down")" sysctl -q -w net.ipv4.icmp_echo_ignore_all=0 net.ipv6.icmp.echo_ignore_all=0
fleet none-but-silent "HostDown resolved, no path lossy"

echo "== 6. the whole test, from Prometheus's alert history, and the runs"
fleet history "$((SECONDS + 5))" "$down" "$stopped"
total=0
for i in $(seq "$N"); do
  dir=$scratch/h$i
  [ ! -s "$dir/failures" ] || { cat "$dir/failures" "$dir/netprom.err"; fail "h$i: a netprom run failed"; }
  total=$((total + $(cat "$dir/runs")))
done
echo "  $total netprom runs on $N hosts, every one exited 0"

echo "== 7. every panel of the fleet dashboard returns data"
fleet panels "$top/packaging/netprom-fleet-dashboard.json"

echo "ok (${SECONDS}s)"
