// SPDX-License-Identifier: MIT
#include "icmp_socket.h"

#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/os.h>

#include "unique_fd.h"

namespace netprom {

namespace {

const char* family_name(Family family) { return family == Family::v6 ? "ICMPv6" : "ICMP"; }

// Errors that concern one destination, not the socket: the route, the neighbour, a
// firewall rule (EPERM/EACCES from netfilter, EACCES for a broadcast address), a source
// address that does not fit the destination, or a full device queue (ENOBUFS). ping and
// fping report these per destination and go on; so does the pinger, as data.
bool is_per_destination_error(int error) {
  switch (error) {
    case EHOSTUNREACH: case ENETUNREACH: case EHOSTDOWN: case ENETDOWN: case EACCES:
    case EPERM: case EADDRNOTAVAIL: case EINVAL: case EMSGSIZE: case ENOBUFS:
    case ECONNREFUSED: case ENONET: case EPROTO: case ENOPROTOOPT: case ENXIO: case ENODEV:
    case EAFNOSUPPORT:
      return true;
    default:
      return false;
  }
}

// A ping socket with IP_RECVERR also stores an ICMP error in sk_err, and the next recvmsg()
// returns it once instead of data (net/ipv4/ping.c ping_err). The error queue holds the same
// error with the request attached, which is what the pinger attributes, so this copy is
// consumed and ignored.
bool is_async_socket_error(int error) {
  switch (error) {
    case EHOSTUNREACH: case ENETUNREACH: case EHOSTDOWN: case ENETDOWN: case ECONNREFUSED:
    case EMSGSIZE: case EPROTO: case ENOPROTOOPT: case ENONET: case EACCES: case EPERM:
    case ETIMEDOUT: case EOPNOTSUPP:
      return true;
    default:
      return false;
  }
}

void set_int_option(int fd, int level, int name, int value, const std::string& what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) throw fmt::system_error(errno, "{}", what);
}

// Sizes a socket buffer for a whole round of replies. SO_RCVBUFFORCE/SO_SNDBUFFORCE pass
// net.core.rmem_max but need CAP_NET_ADMIN; without it SO_RCVBUF is silently capped at
// rmem_max, which is the best an unprivileged process can do.
void size_buffer(int fd, int force_option, int option, std::size_t bytes) {
  const int value = static_cast<int>(std::min<std::size_t>(bytes, INT_MAX / 2));
  if (::setsockopt(fd, SOL_SOCKET, force_option, &value, sizeof value) == 0) return;
  ::setsockopt(fd, SOL_SOCKET, option, &value, sizeof value);  // best effort, capped by the kernel
}

// Receive slot size: a reply, or an ICMP error quoting a request (Linux quotes at most
// 576 bytes for IPv4 and 1280 for IPv6), plus a 60-byte IPv4 header with options.
std::size_t slot_size(std::size_t payload_size) {
  return std::max<std::size_t>(2 * (60 + 8) + 8 + payload_size, 1500);
}

class LinuxIcmpSocket final : public IcmpSocket {
 public:
  LinuxIcmpSocket(UniqueFd fd, Family family, SocketKind kind, std::size_t payload_size, bool error_queue)
      : fd_(std::move(fd)), family_(family), kind_(kind), error_queue_(error_queue), slot_(slot_size(payload_size)) {
    // Bound the receive buffers to about 1 MiB when packets are large.
    slots_ = std::clamp<std::size_t>((std::size_t{1} << 20) / slot_, 1, kMaxBatch);
    buffer_.resize(slots_ * slot_);
  }

  SocketKind kind() const override { return kind_; }
  Family family() const override { return family_; }
  int fd() const override { return fd_.get(); }

  int send(const SocketAddress& destination, std::span<const std::byte> packet) override {
    for (;;) {
      if (::sendto(fd_.get(), packet.data(), packet.size(), MSG_DONTWAIT, &destination.base, length_of(destination)) >= 0) {
        return 0;
      }
      const int error = errno == EWOULDBLOCK ? EAGAIN : errno;
      if (error == EINTR) continue;
      if (error == EAGAIN || is_per_destination_error(error)) return error;
      throw fmt::system_error(error, "cannot send {} echo request to {}", family_name(family_),
                              format_address(destination));
    }
  }

  std::size_t receive(std::span<Datagram> out) override {
    const std::size_t want = std::min(out.size(), slots_);
    std::size_t got = 0;
    // Error-queue entries first (datagram sockets, and raw ones probing the path MTU; other raw
    // sockets get ICMP errors as ordinary packets). poll() reports POLLERR until it is drained.
    while (error_queue_ && got < want) {
      prepare(got, true);
      const ssize_t n = ::recvmsg(fd_.get(), &recv_msgs_[got].msg_hdr, MSG_ERRQUEUE | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        throw fmt::system_error(errno, "cannot read {} socket error queue", family_name(family_));
      }
      store(got, static_cast<std::size_t>(n), true, out[got]);
      ++got;
    }
    while (got < want) {
      for (std::size_t i = got; i < want; ++i) prepare(i);
      const int n = ::recvmmsg(fd_.get(), &recv_msgs_[got], static_cast<unsigned>(want - got), MSG_DONTWAIT, nullptr);
      if (n < 0) {
        const int error = errno;
        if (error == EINTR) continue;
        if (error == EAGAIN || error == EWOULDBLOCK) break;
        if (is_async_socket_error(error)) continue;
        throw fmt::system_error(error, "cannot receive from {} socket", family_name(family_));
      }
      if (n == 0) break;
      for (int i = 0; i < n; ++i, ++got) store(got, recv_msgs_[got].msg_len, false, out[got]);
      break;  // the queue may be empty now; the caller calls again while it gets full batches
    }
    return got;
  }

 private:
  // A raw IPv4 socket hands over the IP header, whose source address is what recvmsg would
  // copy into msg_name (raw_recvmsg takes it from there) and whose TTL is what IP_RECVTTL
  // would, so both are read from the bytes instead of having the kernel copy them out for
  // every reply.
  bool peer_from_header() const { return kind_ == SocketKind::raw && family_ == Family::v4; }

  void prepare(std::size_t i, bool error_queue = false) {
    recv_iov_[i].iov_base = buffer_.data() + i * slot_;
    recv_iov_[i].iov_len = slot_;
    msghdr& h = recv_msgs_[i].msg_hdr;
    h = msghdr{};
    if (error_queue || !peer_from_header()) {
      h.msg_name = &recv_names_[i];
      h.msg_namelen = sizeof recv_names_[i];
    }
    h.msg_iov = &recv_iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = control_[i].data();
    h.msg_controllen = control_[i].size();
    recv_msgs_[i].msg_len = 0;
  }

  void store(std::size_t i, std::size_t length, bool error_queue, Datagram& datagram) {
    const msghdr& h = recv_msgs_[i].msg_hdr;
    datagram.bytes = std::span<const std::byte>(buffer_.data() + i * slot_, std::min(length, slot_));
    datagram.peer = SocketAddress{};
    ReceiveControl control = parse_receive_control(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(control_[i].data()), h.msg_controllen));
    if (h.msg_name != nullptr) {
      std::memcpy(&datagram.peer, &recv_names_[i], std::min<std::size_t>(h.msg_namelen, sizeof datagram.peer));
    } else if (datagram.bytes.size() >= 20 && (std::to_integer<unsigned>(datagram.bytes[0]) >> 4) == 4) {
      datagram.peer.v4.sin_family = AF_INET;
      std::memcpy(&datagram.peer.v4.sin_addr, datagram.bytes.data() + 12, 4);  // IPv4 source address
      control.ttl = std::to_integer<int>(datagram.bytes[8]);                    // and TTL
    }
    datagram.from_error_queue = error_queue;
    datagram.kernel_time = control.kernel_time;
    datagram.ttl = control.ttl;
    datagram.error = control.error;
  }

  UniqueFd fd_;
  Family family_;
  SocketKind kind_;
  bool error_queue_;
  std::size_t slot_;
  std::size_t slots_ = 0;
  std::vector<std::byte> buffer_;
  std::array<mmsghdr, kMaxBatch> recv_msgs_{};
  std::array<iovec, kMaxBatch> recv_iov_{};
  std::array<sockaddr_in6, kMaxBatch> recv_names_{};
  std::array<std::array<char, 256>, kMaxBatch> control_{};
};

std::string own_executable() {
  char path[PATH_MAX] = {};
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : std::string("/usr/bin/netprom");
}

// Opens the socket: a datagram ("ping") socket first, then raw, the way iputils ping does.
//
// socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) fails with
//   EACCES           when none of our groups is in net.ipv4.ping_group_range (which also
//                    governs ICMPv6 ping sockets); the default "1 0" allows nobody, and a
//                    fresh network namespace starts with that default, even for root;
//   EPERM            when a security module or seccomp filter denies it;
//   EPROTONOSUPPORT  on kernels without ping sockets (before 3.0 for IPv4, 3.11 for IPv6,
//                    or built without them);
//   EAFNOSUPPORT     when the family itself is missing (IPv6 disabled or not loaded).
// In all four cases a raw socket may still work with CAP_NET_RAW (root or setcap), so we try
// it next. A raw socket fails with EPERM without that capability.
UniqueFd open_descriptor(Family family, SocketKind& kind) {
  const int af = family == Family::v6 ? AF_INET6 : AF_INET;
  const int protocol = family == Family::v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
  constexpr int kFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;
  int fd = ::socket(af, SOCK_DGRAM | kFlags, protocol);
  if (fd >= 0) {
    kind = SocketKind::datagram;
    return UniqueFd(fd);
  }
  const int datagram_error = errno;
  if (datagram_error != EACCES && datagram_error != EPERM && datagram_error != EPROTONOSUPPORT &&
      datagram_error != EAFNOSUPPORT) {
    throw fmt::system_error(datagram_error, "cannot open {} socket", family_name(family));
  }
  fd = ::socket(af, SOCK_RAW | kFlags, protocol);
  if (fd >= 0) {
    kind = SocketKind::raw;
    return UniqueFd(fd);
  }
  const int raw_error = errno;
  if (raw_error == EAFNOSUPPORT) {
    throw fmt::system_error(EAFNOSUPPORT, "cannot open {} socket", family_name(family));
  }
  if (raw_error == EPERM || raw_error == EACCES) {
    // Name the datagram socket's reason when it was the group range: that is the fix
    // that needs no capability.
    const int shown = datagram_error == EACCES ? datagram_error : raw_error;
    const unsigned gid = static_cast<unsigned>(::getegid());
    throw IcmpPermissionError(fmt::format(
        "cannot open {} socket: {} (hint: allow group {} with 'sysctl -w "
        "net.ipv4.ping_group_range=\"0 {}\"', or 'setcap cap_net_raw+ep {}')",
        family_name(family), std::generic_category().message(shown), gid, gid, own_executable()));
  }
  throw fmt::system_error(raw_error, "cannot open raw {} socket", family_name(family));
}

}  // namespace

std::unique_ptr<IcmpSocket> open_icmp_socket(Family family, const IcmpSocketOptions& options) {
  SocketKind kind = SocketKind::datagram;
  UniqueFd fd = open_descriptor(family, kind);
  const int s = fd.get();
  const bool v6 = family == Family::v6;
  const char* name = family_name(family);

  // Kernel receive timestamps (CLOCK_REALTIME) make RTTs independent of how long the
  // event loop takes to get to a reply.
  set_int_option(s, SOL_SOCKET, SO_TIMESTAMPNS, 1, fmt::format("cannot enable timestamps on {} socket", name));
  // Each reply then carries the TTL / hop limit it arrived with: a change of path shows. A raw
  // IPv4 socket hands over the IP header, TTL included, so the kernel need not copy it out again.
  if (v6) {
    set_int_option(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "cannot enable IPV6_RECVHOPLIMIT on ICMPv6 socket");
  } else if (kind == SocketKind::datagram) {
    set_int_option(s, IPPROTO_IP, IP_RECVTTL, 1, "cannot enable IP_RECVTTL on ICMP socket");
  }

  if (kind == SocketKind::datagram || options.probe_path_mtu) {
    // Without IP_RECVERR a ping socket drops ICMP errors for unconnected sockets; with it,
    // each error is queued with the request it concerns (raw sockets: as well as delivered).
    if (v6) {
      set_int_option(s, IPPROTO_IPV6, IPV6_RECVERR, 1, "cannot enable IPV6_RECVERR on ICMPv6 socket");
    } else {
      set_int_option(s, IPPROTO_IP, IP_RECVERR, 1, "cannot enable IP_RECVERR on ICMP socket");
    }
  }
  if (kind == SocketKind::raw && v6) {
    // A raw ICMPv6 socket sees every ICMPv6 message of the host: let through only replies
    // and the errors that can quote a request. The kernel computes and verifies ICMPv6
    // checksums on raw sockets itself (RFC 3542 section 3.1).
    icmp6_filter filter{};
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filter);
    if (::setsockopt(s, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) != 0) {
      throw fmt::system_error(errno, "cannot set ICMP6_FILTER on raw ICMPv6 socket");
    }
  } else if (kind == SocketKind::raw) {
    // ICMP_FILTER bits block types. Our own echo requests to local addresses would
    // otherwise come back to us too.
    icmp_filter filter{};
    filter.data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) | (1u << ICMP_TIME_EXCEEDED) |
                    (1u << ICMP_PARAMETERPROB));
    if (::setsockopt(s, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) != 0) {
      throw fmt::system_error(errno, "cannot set ICMP_FILTER on raw ICMP socket");
    }
  }

  if (options.ttl) {
    set_int_option(s, v6 ? static_cast<int>(IPPROTO_IPV6) : static_cast<int>(IPPROTO_IP), v6 ? IPV6_UNICAST_HOPS : IP_TTL, *options.ttl,
                   fmt::format("cannot set TTL {} on {} socket", *options.ttl, name));
  }
  if (options.tos) {
    set_int_option(s, v6 ? static_cast<int>(IPPROTO_IPV6) : static_cast<int>(IPPROTO_IP), v6 ? IPV6_TCLASS : IP_TOS, *options.tos,
                   fmt::format("cannot set TOS {} on {} socket", *options.tos, name));
  }
  if (options.interface) {
    const std::string& ifname = *options.interface;
    if (::setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), static_cast<socklen_t>(ifname.size() + 1)) != 0) {
      throw fmt::system_error(errno, "cannot bind {} socket to interface {}", name, ifname);
    }
  }
  if (options.source && family_of(*options.source) == family) {
    SocketAddress source = *options.source;
    if (v6) {
      source.v6.sin6_port = 0;
    } else {
      source.v4.sin_port = 0;
    }
    if (::bind(s, &source.base, length_of(source)) != 0) {
      throw fmt::system_error(errno, "cannot bind {} socket to source {}", name, format_address(source));
    }
  }

  // -M do: DF set and the local stack never fragments; a request too big for the path fails
  // with EMSGSIZE at send, or comes back as "fragmentation needed" / "packet too big".
  if (options.dont_fragment) {
    set_int_option(s, v6 ? static_cast<int>(IPPROTO_IPV6) : static_cast<int>(IPPROTO_IP),
                   v6 ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER, v6 ? IPV6_PMTUDISC_DO : IP_PMTUDISC_DO,
                   fmt::format("cannot set don't-fragment on {} socket", name));
  }
  if (options.probe_path_mtu) {
    // Path MTU probes test the path as it is now: don't fragment, and no EMSGSIZE from an MTU
    // the kernel cached from earlier "too big" errors, only from the device's own MTU (which
    // IPv4 reports on the error queue). A cached value may be up to 10 minutes old
    // (net.ipv4.route.mtu_expires).
    if (v6) {
      set_int_option(s, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE, "cannot set IPV6_MTU_DISCOVER on ICMPv6 socket");
    } else {
      set_int_option(s, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE, "cannot set IP_MTU_DISCOVER on ICMP socket");
    }
  }
  // Otherwise IPv4 requests that fit any path (at most 552 bytes, net.ipv4.route.min_pmtu's
  // default and below every real link MTU) go with IP_PMTUDISC_DO too: the kernel then sets DF
  // and an IP ID of 0 (RFC 6864 allows any ID on an atomic datagram) instead of drawing a
  // hashed, randomised ID per packet in __ip_select_ident, about a tenth of the kernel's own
  // cost of sending a request. The default (IP_PMTUDISC_WANT) sets DF on such packets too, so
  // only the ID changes on the wire. Larger requests keep the default, which fragments locally
  // when a path's MTU is smaller instead of failing with EMSGSIZE. Best effort.
  constexpr std::size_t kIpv4Header = 20;
  constexpr std::size_t kNeverFragmented = 552;
  if (!v6 && !options.dont_fragment && !options.probe_path_mtu && kIpv4Header + 8 + options.payload_size <= kNeverFragmented) {
    const int pmtudisc = IP_PMTUDISC_DO;
    ::setsockopt(s, IPPROTO_IP, IP_MTU_DISCOVER, &pmtudisc, sizeof pmtudisc);
  }

  // A skb for a small reply costs about 1 KiB of buffer accounting (truesize), so size for
  // every destination having one reply queued while the loop is busy sending.
  const std::size_t per_packet = 1024 + options.payload_size;
  const std::size_t bytes = std::clamp<std::size_t>(options.destinations * per_packet, 256 << 10, 256 << 20);
  size_buffer(s, SO_RCVBUFFORCE, SO_RCVBUF, bytes);
  size_buffer(s, SO_SNDBUFFORCE, SO_SNDBUF, std::min<std::size_t>(bytes, 64 << 20));

  return std::make_unique<LinuxIcmpSocket>(std::move(fd), family, kind, options.payload_size,
                                           kind == SocketKind::datagram || options.probe_path_mtu);
}

}  // namespace netprom
