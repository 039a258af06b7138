#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Regenerates the binary seed corpora of the ICMP and netlink fuzz targets from real packets:
#   tests/fuzz/make_seeds.py            (as root: raw ICMP sockets; loopback only)
# icmp/: echo requests and replies captured on a raw socket while pinging 127.0.0.1 and ::1, the
#   same request as a datagram socket delivers it, and ICMP errors quoting it (built here: loopback
#   sends none for an echo request). Each file is the fuzz input layout of icmp_fuzzer.cc: one byte
#   of IcmpWire (0 raw IPv4, 1 IPv4 datagram, 2 IPv6), two bytes of expected payload size, the packet.
# link_dump/, route_dump/: RTM_GETLINK and RTM_GETROUTE dump datagrams as the kernel sent them to
#   this host, plus built ones for paths the host does not show (32-bit IFLA_STATS, multipath).
import os
import select
import socket
import struct
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
PAYLOAD = 56
NONCE = 0x1122334455667788


def write(target, name, data):
    os.makedirs(os.path.join(top, target), exist_ok=True)
    with open(os.path.join(top, target, name), "wb") as f:
        f.write(data)
    print(f"  {target}/{name}: {len(data)} bytes")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def probe_payload(index, size=PAYLOAD):
    # render_probe_payload(): nonce, index (big endian), then (index * 31 + offset) & 0xff.
    head = struct.pack("!QI", NONCE, index)
    return head + bytes(((index * 31 + i) & 0xFF) for i in range(len(head), size))


def echo(icmp_type, ident, seq, index, v6=False):
    body = struct.pack("!BBHHH", icmp_type, 0, 0, ident, seq) + probe_payload(index)
    if v6:
        return body  # the kernel fills in the ICMPv6 checksum
    return body[:2] + struct.pack("!H", checksum(body)) + body[4:]


def ipv4_header(payload_len, proto, src, dst, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, 0x1234, 0x4000, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def ipv6_header(payload_len, nxt, src, dst, hops=64):
    return struct.pack("!IHBB16s16s", 6 << 28, payload_len, nxt, hops,
                       socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst))


def seed(wire, packet, expected=PAYLOAD):
    return bytes([wire]) + struct.pack("!H", expected) + packet


def capture_icmp():
    ident, seq = 0x4E50, 7
    # IPv4: a raw socket sees both our request (looped back) and the kernel's reply, IP header first.
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.sendto(echo(8, ident, seq, 3), ("127.0.0.1", 0))
    got = {}
    while len(got) < 2 and select.select([s], [], [], 2)[0]:
        pkt = s.recv(65535)
        ihl = (pkt[0] & 0x0F) * 4
        if pkt[ihl] in (0, 8) and struct.unpack("!H", pkt[ihl + 4:ihl + 6])[0] == ident:
            got[pkt[ihl]] = pkt
    s.close()
    request, reply = got[8], got[0]
    write("icmp", "v4_raw_echo_reply", seed(0, reply))
    write("icmp", "v4_raw_echo_request", seed(0, request))
    write("icmp", "v4_dgram_echo_reply", seed(1, reply[20:]))
    # Time exceeded and port unreachable quoting the request: IP header + all of it (Linux quotes
    # up to 576 bytes), and one quoting only the 8 bytes RFC 792 promises.
    quoted = request
    err = struct.pack("!BBHI", 11, 0, 0, 0) + quoted
    err = err[:2] + struct.pack("!H", checksum(err)) + err[4:]
    write("icmp", "v4_raw_time_exceeded", seed(0, ipv4_header(len(err), 1, "127.0.0.2", "127.0.0.1") + err))
    err = struct.pack("!BBHI", 3, 3, 0, 0) + quoted[:28]
    err = err[:2] + struct.pack("!H", checksum(err)) + err[4:]
    write("icmp", "v4_dgram_unreachable_short_quote", seed(1, err))

    # IPv6: raw ICMPv6 sockets start at the ICMPv6 header; the kernel checks and sets checksums.
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s6.sendto(echo(128, ident, seq, 4, v6=True), ("::1", 0))
    got = {}
    while len(got) < 2 and select.select([s6], [], [], 2)[0]:
        pkt = s6.recv(65535)
        if pkt[0] in (128, 129) and struct.unpack("!H", pkt[4:6])[0] == ident:
            got[pkt[0]] = pkt
    s6.close()
    write("icmp", "v6_echo_reply", seed(2, got[129]))
    quoted = ipv6_header(len(got[128]), 58, "::1", "2001:db8::1") + got[128]
    write("icmp", "v6_time_exceeded", seed(2, struct.pack("!BBHI", 3, 0, 0, 0) + quoted))


def netlink_dump(msg_type, family_header):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 0))
    portid = s.getsockname()[0]
    seq = 42
    req = struct.pack("=IHHII", 16 + len(family_header), msg_type, 0x301, seq, portid) + family_header
    s.send(req)
    datagrams = []
    while True:
        data = s.recv(1 << 20)
        datagrams.append(data)
        ln, ty = struct.unpack("=IH", data[:6])
        if ty == 3:  # NLMSG_DONE
            break
        # a datagram that holds DONE after other messages ends the dump too
        off, done = 0, False
        while off + 16 <= len(data):
            ln, ty = struct.unpack("=IH", data[off:off + 6])
            if ty == 3:
                done = True
            off += (ln + 3) & ~3 if ln else len(data)
        if done:
            break
    s.close()
    return datagrams, seq, portid


def nlattr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * ((4 - len(a) % 4) % 4)


def nlmsg(t, flags, seq, pid, body):
    return struct.pack("=IHHII", 16 + len(body), t, flags, seq, pid) + body


def capture_netlink():
    links, seq, pid = netlink_dump(18, struct.pack("=BxHiII", 0, 0, 0, 0, 0))  # RTM_GETLINK
    for i, d in enumerate(links[:3]):
        write("link_dump", f"host_dump_{i}", d)
    # One link with only the 32-bit IFLA_STATS (92 bytes), an operstate, and NLMSG_DONE after it.
    ifi = struct.pack("=BxHiII", 0, 1, 5, 0x11043, 0)  # IFF_UP|IFF_RUNNING|...
    body = ifi + nlattr(3, b"eth9\0") + nlattr(16, b"\x06") + nlattr(7, bytes(range(92)))
    write("link_dump", "built_stats32_then_done",
          nlmsg(16, 2, seq, pid, body) + nlmsg(3, 2, seq, pid, struct.pack("=i", 0)))

    v4, seq, pid = netlink_dump(26, struct.pack("=BBBBBBBBI", 2, 0, 0, 0, 254, 0, 0, 0, 0))
    write("route_dump", "host_ipv4", v4[0])
    v6, seq6, pid6 = netlink_dump(26, struct.pack("=BBBBBBBBI", 10, 0, 0, 0, 254, 0, 0, 0, 0))
    write("route_dump", "host_ipv6", v6[0])
    # A multipath IPv6 default route (two link-local nexthops) and an IPv4 one in table 254 via
    # RTA_TABLE, each with RTA_PRIORITY; then NLMSG_DONE.
    def nexthop(ifindex, gw):
        attrs = nlattr(5, socket.inet_pton(socket.AF_INET6, gw))
        return struct.pack("=HBBi", 8 + len(attrs), 0, 0, ifindex) + attrs
    rtm6 = struct.pack("=BBBBBBBBI", 10, 0, 0, 0, 254, 3, 1, 1, 0)
    mp = rtm6 + nlattr(15, struct.pack("=I", 254)) + nlattr(6, struct.pack("=I", 1024)) + \
        nlattr(9, nexthop(2, "fe80::1") + nexthop(3, "fe80::2"))
    rtm4 = struct.pack("=BBBBBBBBI", 2, 0, 0, 0, 252, 3, 0, 1, 0)
    r4 = rtm4 + nlattr(15, struct.pack("=I", 254)) + nlattr(5, socket.inet_aton("192.0.2.1")) + \
        nlattr(4, struct.pack("=I", 2)) + nlattr(6, struct.pack("=I", 100))
    write("route_dump", "built_multipath_then_done",
          nlmsg(24, 2, seq, pid, mp) + nlmsg(24, 2, seq, pid, r4) + nlmsg(3, 2, seq, pid, struct.pack("=i", 0)))


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("make_seeds.py: needs root for raw ICMP sockets")
    capture_icmp()
    capture_netlink()
