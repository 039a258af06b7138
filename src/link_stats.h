// SPDX-License-Identifier: MIT
// Interface counters with /proc/net/dev semantics: an rtnetlink RTM_GETSTATS dump plus two
// ioctls per interface for name and state, or an RTM_GETLINK dump on kernels before 4.7.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "netlink_socket.h"

namespace netprom {

/// One network device's counters, summed the way /proc/net/dev sums them
/// (net/core/net-procfs.c dev_seq_printf_stats).
struct LinkStats {
  std::string name;                ///< the kernel's name, raw bytes (may hold any printable byte)
  std::uint32_t index = 0;         ///< ifindex
  bool oper_up = false;            ///< operstate UP, or UNKNOWN on a running device (like lo)
  std::uint64_t rx_bytes = 0, rx_packets = 0, rx_errs = 0;
  std::uint64_t rx_drop = 0;       ///< rx_dropped + rx_missed_errors
  std::uint64_t rx_fifo = 0;       ///< rx_fifo_errors
  std::uint64_t rx_frame = 0;      ///< rx_length + rx_over + rx_crc + rx_frame errors
  std::uint64_t rx_compressed = 0, rx_multicast = 0;
  std::uint64_t tx_bytes = 0, tx_packets = 0, tx_errs = 0, tx_drop = 0, tx_fifo = 0;
  std::uint64_t tx_colls = 0;      ///< collisions
  std::uint64_t tx_carrier = 0;    ///< carrier + aborted + window + heartbeat errors
  std::uint64_t tx_compressed = 0;
};

/// Appends the links of one RTM_GETLINK dump reply datagram to `links` (pure: bytes in,
/// values out). `seq` and `portid` are those of the request; see parse_dump_datagram() for
/// the framing checks and their errors ("cannot dump links: ..."). Per link:
/// - counters come from IFLA_STATS64 when its payload has at least 184 bytes (Linux 2.6.35's
///   struct; later kernels send 192 or 200): min(payload, sizeof) bytes are copied and the rest
///   zeroed, so a newer, longer struct is accepted too. A shorter IFLA_STATS64 is not a struct
///   any kernel sends; it is ignored as if absent. Without a usable IFLA_STATS64 the 32-bit
///   IFLA_STATS is used (at least 92 bytes, same rule).
/// - oper_up is IFLA_OPERSTATE == IF_OPER_UP, or IF_OPER_UNKNOWN (or no IFLA_OPERSTATE) with
///   IFF_UP and IFF_RUNNING set: drivers without carrier reporting, lo among them, stay UNKNOWN
///   forever (`ip link show lo` says "state UNKNOWN") although they pass traffic.
/// - the name is IFLA_IFNAME up to its NUL, byte for byte (quotes, backslashes, UTF-8 stay).
/// Unknown attributes are skipped. Throws std::system_error(EBADMSG) for a message too short
/// for its ifinfomsg, an attribute running past its message, a known attribute of the wrong
/// size (IFLA_IFNAME empty or not NUL-terminated, IFLA_OPERSTATE not one byte), or a link with
/// no name or no usable counters: every kernel sends both, so such a dump is not trusted.
DumpStatus parse_link_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                           std::uint32_t portid, std::vector<LinkStats>& links);

/// Appends the counters of one RTM_GETSTATS dump reply datagram to `links` (pure: bytes in,
/// values out); each entry gets `index` and the counters, but no name and oper_up false (the
/// stats dump carries neither). `seq` and `portid` are those of the request; see
/// parse_dump_datagram() for the framing checks and their errors ("cannot dump link
/// statistics: ..."). Per RTM_NEWSTATS message: the struct if_stats_msg header, then
/// attributes, of which only IFLA_STATS_LINK_64 is read (struct rtnl_link_stats64, at least
/// 184 bytes, min(payload, sizeof) bytes copied and the rest zeroed as in parse_link_dump());
/// others (the alignment pad IFLA_STATS_UNSPEC, nested blocks a wider filter would add) are
/// skipped. Throws std::system_error(EBADMSG) for a message too short for its if_stats_msg,
/// an ifindex of 0 or above INT_MAX, an attribute running past its message, an
/// IFLA_STATS_LINK_64 under 184 bytes, or a message without IFLA_STATS_LINK_64.
DumpStatus parse_stats_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                            std::uint32_t portid, std::vector<LinkStats>& links);

/// Whether the errno of a failed RTM_GETSTATS request means the kernel has no such request
/// (Linux before 4.7: EOPNOTSUPP for an unknown message type; EINVAL for a request or filter
/// mask it does not understand), so that the RTM_GETLINK dump must be used instead.
bool stats_dump_unsupported(int error) noexcept;

/// Dumps every link over a fresh NETLINK_ROUTE socket: see read_link_stats(NetlinkSocket&).
std::vector<LinkStats> read_link_stats();

/// Reads every link of the socket's network namespace, in kernel (ifindex) order, with
/// read_link_stats_from_stats_dump(), or with read_link_stats_from_link_dump() when the
/// kernel lacks RTM_GETSTATS (stats_dump_unsupported()). Uses the socket's next sequence
/// numbers. Throws std::system_error ("cannot dump links: ...", "cannot dump link
/// statistics: ...", "cannot read interface ...") on failure.
std::vector<LinkStats> read_link_stats(NetlinkSocket& socket);

/// The fast path (Linux 4.7+): counters from an RTM_GETSTATS dump of IFLA_STATS_LINK_64
/// alone (about 230 bytes per link instead of the 1.5 KB of an RTM_GETLINK message), and the
/// name (SIOCGIFNAME by ifindex) and flags (SIOCGIFFLAGS by name) of each link by ioctl on an
/// AF_UNIX datagram socket, from 128 links on partly on helper threads while the dump still
/// arrives (LinkNamer, link_namer.h); oper_up is IFF_UP and IFF_RUNNING, the same fact as
/// parse_link_dump()'s operstate rule (see link_stats.cc). A link renamed between its two
/// ioctls is asked for by ifindex with a one-link RTM_GETLINK request; a link that has
/// disappeared since the dump is left out, as if it had gone before the dump. Retries an
/// interrupted dump like run_dump(). Throws std::system_error: the dump's errors ("cannot
/// dump link statistics: ..."; stats_dump_unsupported() tells which mean "no RTM_GETSTATS"),
/// an ioctl's ("cannot read interface ...") or the one-link request's ("cannot dump links: ...").
std::vector<LinkStats> read_link_stats_from_stats_dump(NetlinkSocket& socket);

/// The fallback: one RTM_GETLINK dump (parse_link_dump()), retried when interrupted.
/// Throws std::system_error ("cannot dump links: ...").
std::vector<LinkStats> read_link_stats_from_link_dump(NetlinkSocket& socket);

}  // namespace netprom
