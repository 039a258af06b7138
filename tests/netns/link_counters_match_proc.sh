#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Acceptance: for every device in /proc/net/dev, netprom reports the same counters, every
# column (packets, bytes, errs, drop, fifo, frame/colls, compressed, multicast/carrier).
# 1. In a private namespace whose traffic we drive and then stop (IPv6 off, static neighbours,
#    so no DAD, MLD or ARP packet can slip in), /proc/net/dev and netprom must agree exactly,
#    including devices named with '"', '\' and UTF-8, whose labels must be escaped.
# 2. In the host namespace (live traffic), each netprom counter must lie between the
#    /proc/net/dev values read just before and just after it.
# In both, netprom reports exactly the devices /proc/net/dev lists, and netprom_network_up is 1
# exactly for those `ip link` shows in state UP or UNKNOWN (UNKNOWN is only ever shown for a
# running device: lo, tun), 0 for DOWN, LOWERLAYERDOWN and the rest.
# In the private namespace, netprom_network_mtu_bytes and netprom_network_carrier_changes_total
# equal /sys/class/net/DEV/{mtu,carrier_changes} for every device: the MTU set to 1400 reads
# 1400, and a flap of a veth's peer (down, up) adds exactly 2 carrier changes. The output
# passes promtool check metrics.
set -eu

if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root"; exit 77; fi
for tool in ip fping awk; do
  command -v "$tool" >/dev/null || { echo "skipped: needs $tool"; exit 77; }
done
: "${NETPROM:?NETPROM must name the netprom binary}"

tmp=$(mktemp -d)
ns1=nlcnt1-$$
ns2=nlcnt2-$$
cleanup() {
  ip netns del "$ns1" 2>/dev/null || true
  ip netns del "$ns2" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in1() { ip netns exec "$ns1" "$@"; }

# /proc/net/dev as "device<TAB>metric<TAB>value" lines, one per counter. Device names cannot
# hold ':' or whitespace (dev_valid_name), so the first ':' ends the name.
proc_counters() {  # $1 = a copy of /proc/net/dev
  LC_ALL=C awk 'NR > 2 {
    line = $0
    sub(/^ */, "", line)
    colon = index(line, ":")
    dev = substr(line, 1, colon - 1)
    n = split(substr(line, colon + 1), v, " ")
    if (n != 16) { print "bad /proc/net/dev line: " $0 > "/dev/stderr"; exit 1 }
    split("receive_bytes receive_packets receive_errs receive_drop receive_fifo receive_frame " \
          "receive_compressed receive_multicast transmit_bytes transmit_packets transmit_errs " \
          "transmit_drop transmit_fifo transmit_colls transmit_carrier transmit_compressed", m, " ")
    for (i = 1; i <= 16; i++) printf "%s\t%s\t%s\n", dev, m[i], v[i]
  }' "$1"
}

# netprom's interface samples as "device<TAB>metric<TAB>value", the label value unescaped
# again (\\ -> \, \" -> ", \n -> newline), after checking that every '"' and '\' in it
# was escaped: the label ends at the first unescaped '"'. $1 = "counters" (the 16 columns,
# metric named like receive_bytes), "up" (netprom_network_up, metric "up") or "link"
# (metrics "mtu_bytes" and "carrier_changes").
netprom_samples() {
  LC_ALL=C awk -v want="$1" '
    (want == "counters" && /^netprom_network_(receive|transmit)_[a-z]+_total\{device="/) ||
    (want == "up" && /^netprom_network_up\{device="/) ||
    (want == "link" && /^netprom_network_(mtu_bytes|carrier_changes_total)\{device="/) {
      metric = $0
      sub(/^netprom_network_/, "", metric)
      sub(/(_total)?\{.*/, "", metric)
      rest = substr($0, index($0, "{device=\"") + 9)
      dev = ""
      while (length(rest) > 0) {
        c = substr(rest, 1, 1)
        if (c == "\\") {
          e = substr(rest, 2, 1)
          if (e == "\\") dev = dev "\\"
          else if (e == "\"") dev = dev "\""
          else if (e == "n") dev = dev "\n"
          else { print "bad escape in: " $0 > "/dev/stderr"; exit 1 }
          rest = substr(rest, 3)
        } else if (c == "\"") {
          rest = substr(rest, 2)
          break
        } else {
          dev = dev c
          rest = substr(rest, 2)
        }
      }
      if (rest !~ /^\} [0-9]+$/) { print "bad sample line: " $0 > "/dev/stderr"; exit 1 }
      sub(/^\} /, "", rest)
      printf "%s\t%s\t%s\n", dev, metric, rest
    }'
}
netprom_counters() { netprom_samples counters; }

# For each device of netprom's "up" samples ($2, device<TAB>up<TAB>value), the value `ip link`
# implies in namespace $1 (host when empty): 1 for state UP or UNKNOWN, else 0. Prints
# "device<TAB>up<TAB>value" lines; a device ip does not know is an error.
ip_up() {
  local ns=$1 dev metric value state
  local ipn=(ip)
  [ -n "$ns" ] && ipn=(ip -n "$ns")
  while IFS=$'\t' read -r dev metric value; do
    state=$("${ipn[@]}" -o link show dev "$dev" | sed -n 's/.* state \([A-Z]*\) .*/\1/p')
    case $state in
      UP | UNKNOWN) printf '%s\tup\t1\n' "$dev" ;;
      "") echo "ip link knows no device '$dev'" >&2; return 1 ;;
      *) printf '%s\tup\t0\n' "$dev" ;;
    esac
  done <"$2"
}

# Checks netprom_network_up against `ip link` for every device of snapshot $2 in namespace $1.
check_up() {
  local ns=$1 out=$2
  netprom_samples up <"$out.prom" | LC_ALL=C sort >"$out.up.tsv"
  ip_up "$ns" "$out.up.tsv" | LC_ALL=C sort >"$out.ip-up.tsv"
  if ! cmp -s "$out.up.tsv" "$out.ip-up.tsv"; then
    echo "netprom_network_up disagrees with ip link${ns:+ in $ns} (< netprom, > ip):"
    diff "$out.up.tsv" "$out.ip-up.tsv" || true
    exit 1
  fi
  if [ "$(cut -f1 "$out.up.tsv" | sort -u | wc -l)" -ne "$(cut -f1 "$out.netprom.tsv" | sort -u | wc -l)" ]; then
    echo "netprom has counters and up samples for different devices"; exit 1
  fi
}

# Reads /proc/net/dev, runs netprom, reads /proc/net/dev again, all in one namespace ($1,
# or the host's when empty), as close together as possible. $2 = file prefix.
snapshot() {
  local ns=$1 out=$2 run=()
  [ -n "$ns" ] && run=(ip netns exec "$ns")
  "${run[@]}" cat /proc/net/dev >"$out.proc-before"
  local rc=0
  "${run[@]}" timeout 20 "$NETPROM" --config /dev/null --no-ping -o - >"$out.prom" 2>"$out.err" || rc=$?
  "${run[@]}" cat /proc/net/dev >"$out.proc-after"
  if [ "$rc" -ne 0 ]; then echo "netprom failed (exit $rc):"; cat "$out.err"; exit 1; fi
  proc_counters "$out.proc-before" >"$out.before.tsv"
  proc_counters "$out.proc-after" >"$out.after.tsv"
  netprom_counters <"$out.prom" >"$out.netprom.tsv"
}

# --- 1. private namespace: exact equality ------------------------------------------------
ip netns add "$ns1"
ip netns add "$ns2"
for ns in "$ns1" "$ns2"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
dq='nl"q'          # veth with a double quote
bs='nl\b'          # veth with a backslash
u8=$'nl\xc3\xa9'   # veth named "nlé" in UTF-8
ip -n "$ns1" link add "$dq" type veth peer name nlp1 netns "$ns2"
ip -n "$ns1" link add "$bs" type veth peer name nlp2 netns "$ns2"
ip -n "$ns1" link add "$u8" type veth peer name nlp3 netns "$ns2"
ip -n "$ns1" link add nldown type veth peer name nlp4 netns "$ns2"   # both ends stay down
# 300 more pairs, so that the dump spans many datagrams: every third pair up at both ends
# (UP), every third up at one end (LOWERLAYERDOWN), the rest down.
{
  for i in $(seq 300); do
    echo "link add bulk$i type veth peer name bulkp$i"
    case $((i % 3)) in
      0) echo "link set bulk$i up"; echo "link set bulkp$i up" ;;
      1) echo "link set bulk$i up" ;;
    esac
  done
} | ip -n "$ns1" -batch -
ip -n "$ns1" link set lo up
ip -n "$ns2" link set lo up
ip -n "$ns1" addr add 198.18.31.1/24 dev "$dq"
ip -n "$ns2" addr add 198.18.31.2/24 dev nlp1
ip -n "$ns1" addr add 198.18.32.1/24 dev "$bs"
ip -n "$ns2" addr add 198.18.32.2/24 dev nlp2
for dev in "$dq" "$bs" "$u8"; do ip -n "$ns1" link set "$dev" up; done
ip -n "$ns2" link set nlp1 up
ip -n "$ns2" link set nlp3 up
# nlp2 stays down: what "nl\b" sends is dropped at the peer and counted as transmit drops.
# Static neighbours: no ARP at all, so the counters move only when we send.
mac() { ip -n "$1" -o link show "$2" | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'; }
ip -n "$ns1" neigh replace 198.18.31.2 lladdr "$(mac "$ns2" nlp1)" dev "$dq" nud permanent
ip -n "$ns2" neigh replace 198.18.31.1 lladdr "$(mac "$ns1" "$dq")" dev nlp1 nud permanent
ip -n "$ns1" neigh replace 198.18.32.2 lladdr "$(mac "$ns2" nlp2)" dev "$bs" nud permanent

# MTU and carrier changes: "nlé" gets MTU 1400, and its peer goes down and up once, which
# turns its carrier off and on again (veth_close / veth_open, at once): 2 more changes.
ip -n "$ns1" link set "$u8" mtu 1400
carrier_before=$(in1 cat "/sys/class/net/$u8/carrier_changes")
ip -n "$ns2" link set nlp3 down
ip -n "$ns2" link set nlp3 up

# Wait for the veth carriers (operstate UP) before sending, at most 5 s: the quoted veth and
# the 200 ends of the 100 bulk pairs that are up at both ends.
for _ in $(seq 50); do
  ip -n "$ns1" -o link show "$dq" | grep -q 'state UP' &&
    ip -n "$ns1" -o link show "$u8" | grep -q 'state UP' &&
    [ "$(ip -n "$ns1" -o link show | grep -c ': bulkp\?[0-9]*@.* state UP ')" -eq 200 ] && break
  sleep 0.1
done
in1 fping -q -c 7 -p 20 198.18.31.2 || { echo "fping over $dq failed"; exit 1; }
in1 fping -q -c 3 -p 20 -t 100 198.18.32.2 || true   # no answer by design: counts drops
in1 fping -q -c 2 -p 20 127.0.0.1 || { echo "fping over lo failed"; exit 1; }

snapshot "$ns1" "$tmp/ns"

if ! cmp -s "$tmp/ns.before.tsv" "$tmp/ns.after.tsv"; then
  echo "the private namespace was not quiet:"; diff "$tmp/ns.before.tsv" "$tmp/ns.after.tsv" || true
  exit 1
fi
# The traffic we drove is what the kernel counted: 7 echo requests out of and 7 replies into
# the quoted veth, 3 requests dropped on the backslash one, nothing on the UTF-8 one.
expect_proc() {  # device metric value
  grep -qxF "$1"$'\t'"$2"$'\t'"$3" "$tmp/ns.before.tsv" || {
    echo "/proc/net/dev in $ns1 has no $2 = $3 for $1:"; cat "$tmp/ns.before.tsv"; exit 1
  }
}
expect_proc "$dq" transmit_packets 7
expect_proc "$dq" receive_packets 7
expect_proc "$bs" transmit_drop 3
expect_proc "$u8" transmit_packets 0

# Escaped labels exactly as the text format wants them.
grep -qxF 'netprom_network_transmit_packets_total{device="nl\"q"} 7' "$tmp/ns.prom" ||
  { echo 'no escaped sample for nl"q'; cat "$tmp/ns.prom"; exit 1; }
grep -qxF 'netprom_network_transmit_drop_total{device="nl\\b"} 3' "$tmp/ns.prom" ||
  { echo 'no escaped sample for nl\b'; cat "$tmp/ns.prom"; exit 1; }

LC_ALL=C sort "$tmp/ns.netprom.tsv" >"$tmp/ns-netprom.tsv"
LC_ALL=C sort "$tmp/ns.before.tsv" >"$tmp/ns-proc.tsv"
if ! cmp -s "$tmp/ns-proc.tsv" "$tmp/ns-netprom.tsv"; then
  echo "netprom and /proc/net/dev disagree in $ns1 (< proc, > netprom):"
  diff "$tmp/ns-proc.tsv" "$tmp/ns-netprom.tsv" || true
  exit 1
fi
devices=$(cut -f1 "$tmp/ns-proc.tsv" | sort -u | wc -l)
echo "private namespace: $devices devices x 16 counters equal"

# Up and down: lo (UNKNOWN) and the two veths with a live peer are up; the one whose peer is
# down (LOWERLAYERDOWN) and the one never set up (DOWN) are not.
check_up "$ns1" "$tmp/ns"
t=$'\t'
for expect in "lo${t}up${t}1" "$dq${t}up${t}1" "$u8${t}up${t}1" "$bs${t}up${t}0" "nldown${t}up${t}0" \
  "bulk3${t}up${t}1" "bulkp3${t}up${t}1" "bulk1${t}up${t}0" "bulkp1${t}up${t}0" "bulk2${t}up${t}0" \
  "bulk300${t}up${t}1"; do
  grep -qxF "$expect" "$tmp/ns.up.tsv" || { echo "expected '$expect' in:"; cat "$tmp/ns.up.tsv"; exit 1; }
done
echo "private namespace: up/down of $(wc -l <"$tmp/ns.up.tsv") devices as ip link shows"

# MTU and carrier changes of every device as sysfs shows them in the namespace (ip netns exec
# mounts the namespace's own /sys).
netprom_samples link <"$tmp/ns.prom" | LC_ALL=C sort >"$tmp/ns-link.tsv"
in1 sh -c 'for d in /sys/class/net/*; do
  [ -d "$d" ] || continue
  printf "%s\tmtu_bytes\t%s\n%s\tcarrier_changes\t%s\n" "${d##*/}" "$(cat "$d/mtu")" \
    "${d##*/}" "$(cat "$d/carrier_changes")"
done' | LC_ALL=C sort >"$tmp/ns-sysfs.tsv"
if ! cmp -s "$tmp/ns-sysfs.tsv" "$tmp/ns-link.tsv"; then
  echo "netprom and /sys/class/net disagree on MTU or carrier changes in $ns1 (< sysfs, > netprom):"
  diff "$tmp/ns-sysfs.tsv" "$tmp/ns-link.tsv" || true
  exit 1
fi
grep -qxF 'netprom_network_mtu_bytes{device="nl\"q"} 1500' "$tmp/ns.prom" ||
  { echo 'nl"q: no MTU 1500'; grep mtu "$tmp/ns.prom"; exit 1; }
grep -qxF "netprom_network_mtu_bytes{device=\"$u8\"} 1400" "$tmp/ns.prom" ||
  { echo "$u8: no MTU 1400"; grep mtu "$tmp/ns.prom"; exit 1; }
want="netprom_network_carrier_changes_total{device=\"$u8\"} $((carrier_before + 2))"
grep -qxF "$want" "$tmp/ns.prom" ||
  { echo "no '$want' (before the flap: $carrier_before)"; grep carrier_changes "$tmp/ns.prom"; exit 1; }
echo "private namespace: MTU and carrier changes of $(($(wc -l <"$tmp/ns-link.tsv") / 2)) devices as sysfs shows"
if command -v promtool >/dev/null; then
  promtool check metrics <"$tmp/ns.prom" >"$tmp/promtool" 2>&1 || { echo "promtool:"; cat "$tmp/promtool"; exit 1; }
  [ ! -s "$tmp/promtool" ] || { echo "promtool warned:"; cat "$tmp/promtool"; exit 1; }
fi

# --- 2. host namespace: netprom lies between two reads of /proc/net/dev --------------------
snapshot "" "$tmp/host"
# Devices may come and go meanwhile (other tests make veths); a device present in both
# reads must be reported, within the bounds.
LC_ALL=C awk -F'\t' '
  FILENAME == ARGV[1] { before[$1 FS $2] = $3; next }
  FILENAME == ARGV[2] { after[$1 FS $2] = $3; next }
  { got[$1 FS $2] = $3 }
  END {
    bad = 0; checked = 0
    for (k in before) {
      if (!(k in after)) continue
      split(k, p, FS)
      if (!(k in got)) { printf "missing in netprom: %s %s\n", p[1], p[2]; bad++; continue }
      if (got[k] + 0 < before[k] + 0 || got[k] + 0 > after[k] + 0) {
        printf "%s %s: netprom %s outside [%s, %s]\n", p[1], p[2], got[k], before[k], after[k]; bad++
      }
      checked++
    }
    for (k in got) {  # and nothing that was in neither read
      if (!(k in before) && !(k in after)) {
        split(k, p, FS); printf "netprom has %s %s, /proc/net/dev does not\n", p[1], p[2]; bad++
      }
    }
    printf "host namespace: %d counters within bounds, %d wrong\n", checked, bad
    exit (bad > 0 || checked == 0)
  }' "$tmp/host.before.tsv" "$tmp/host.after.tsv" "$tmp/host.netprom.tsv"
check_up "" "$tmp/host"
echo "host namespace: up/down of $(wc -l <"$tmp/host.up.tsv") devices as ip link shows"
