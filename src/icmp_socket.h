// SPDX-License-Identifier: MIT
// ICMP transport: an unprivileged ping socket when allowed, a raw socket otherwise.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "clock.h"
#include "family.h"
#include "receive_control.h"
#include "socket_address.h"

namespace netprom {

/// Thrown when no ICMP socket (datagram or raw) can be opened: exit 77.
/// what() is one line with the cause and a hint (ping_group_range, cap_net_raw).
class IcmpPermissionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Datagram ("ping") sockets: the kernel owns the echo identifier (it rewrites it and
/// demultiplexes replies by it) and delivers only verified echo replies; ICMP errors arrive
/// on the IP_RECVERR error queue. Raw sockets: all ICMP of the host, IPv4 with its IP header.
enum class SocketKind { datagram, raw };

/// The largest number of packets one receive() call handles.
inline constexpr std::size_t kMaxBatch = 64;

/// One received message.
struct Datagram {
  std::span<const std::byte> bytes;  ///< valid until the next receive() on the same socket
  /// The sender; for an error-queue entry, the destination of the request it is about.
  SocketAddress peer{};
  /// True for an IP_RECVERR error-queue entry: `bytes` is then the request as sent (or its
  /// first part) and an ICMP error or local failure was reported for it.
  bool from_error_queue = false;
  /// The kernel's receive time (SO_TIMESTAMPNS), when the kernel supplied one.
  std::optional<WallTime> kernel_time;
  /// The IPv4 TTL / IPv6 hop limit the packet arrived with (IP_RECVTTL / IPV6_RECVHOPLIMIT).
  std::optional<int> ttl;
  /// An error-queue entry: the ICMP error (type, code, MTU) and the router that sent it.
  std::optional<QueuedError> error;
};

/// The MTU an EMSGSIZE error-queue entry reports (an ICMP "fragmentation needed" / "packet too
/// big" for a don't-fragment packet, or a local send larger than the MTU), else nullopt.
inline std::optional<std::uint32_t> reported_mtu(const Datagram& datagram) {
  if (!datagram.error || datagram.error->error != EMSGSIZE) return std::nullopt;
  return datagram.error->info;
}

/// Datagram-level ICMP transport. Abstract so the pinger can be tested without a network.
/// The real implementation is made by open_icmp_socket().
class IcmpSocket {
 public:
  virtual ~IcmpSocket() = default;
  /// Whether the kernel owns the identifier (datagram) or this process does (raw).
  virtual SocketKind kind() const = 0;
  /// Family::v4 or Family::v6.
  virtual Family family() const = 0;
  /// Sends one echo request with one sendto(2), so that it goes at the time read right
  /// before the call. Returns 0 when it was sent; EAGAIN when the send buffer is full (retry
  /// once the socket is writable); or the errno of a failure that concerns that destination
  /// only (EHOSTUNREACH, ENETUNREACH, EACCES, EPERM from a firewall, ...). Throws
  /// std::system_error on a failure of the socket itself.
  virtual int send(const SocketAddress& destination, std::span<const std::byte> packet) = 0;
  /// Reads up to out.size() messages without blocking, error-queue entries first.
  /// Returns how many were stored; 0 when nothing is readable. Fewer than out.size() means
  /// the queue held no more, or this socket reads fewer at a time (large packets): callers
  /// wait for readability before calling again rather than calling until 0.
  /// Throws std::system_error on a failure of the socket itself.
  virtual std::size_t receive(std::span<Datagram> out) = 0;
  /// The descriptor, to wait on with Clock::wait.
  virtual int fd() const = 0;
};

/// Socket settings of the destinations that share the socket, and what to size buffers for.
struct IcmpSocketOptions {
  std::optional<int> ttl;                 ///< IP_TTL / IPV6_UNICAST_HOPS
  std::optional<int> tos;                 ///< IP_TOS / IPV6_TCLASS
  std::optional<SocketAddress> source;    ///< bind() address, when of this socket's family
  std::optional<std::string> interface;   ///< SO_BINDTODEVICE
  bool dont_fragment = false;             ///< IP(V6)_MTU_DISCOVER = PMTUDISC_DO
  std::size_t payload_size = 56;          ///< the largest echo payload, for receive buffers
  std::size_t destinations = 1;           ///< how many replies may be in flight at once
  /// Path MTU probes: don't fragment, whatever MTU the kernel has cached for the path
  /// (IP_PMTUDISC_PROBE / IPV6_PMTUDISC_PROBE), and ICMP errors on the error queue for raw
  /// sockets too (IP_RECVERR), where they carry the reported MTU.
  bool probe_path_mtu = false;
};

/// Opens an ICMP socket of `family` (v4 or v6): a datagram socket first, a raw socket when
/// the kernel refuses that, and applies `options`. The socket is non-blocking, close-on-exec,
/// and has kernel receive timestamps on.
/// Throws IcmpPermissionError when neither kind may be opened, std::system_error with
/// EAFNOSUPPORT when the kernel has no such family (IPv6 disabled), and std::system_error
/// for any other failure (bad interface, source address not local, ...).
std::unique_ptr<IcmpSocket> open_icmp_socket(Family family, const IcmpSocketOptions& options);

}  // namespace netprom
