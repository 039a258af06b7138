// SPDX-License-Identifier: MIT
// Interface counters with /proc/net/dev semantics, from one rtnetlink RTM_GETLINK dump.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "netlink_socket.h"

namespace netprom {

/// One network device's counters, summed the way /proc/net/dev sums them
/// (net/core/net-procfs.c dev_seq_printf_stats), with its MTU and carrier changes.
struct LinkStats {
  std::string name;                ///< the kernel's name, raw bytes (may hold any printable byte)
  std::uint32_t index = 0;         ///< ifindex
  bool oper_up = false;            ///< operstate UP, or UNKNOWN on a running device (like lo)
  std::optional<std::uint32_t> mtu;              ///< IFLA_MTU, bytes
  std::optional<std::uint32_t> carrier_changes;  ///< IFLA_CARRIER_CHANGES (Linux 3.15+)
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
/// the framing checks and their errors ("cannot dump links: ..."). Per link, everything comes
/// from its one RTM_NEWLINK message:
/// - counters come from IFLA_STATS64 when its payload has at least 184 bytes (Linux 2.6.35's
///   struct; later kernels send 192 or 200): min(payload, sizeof) bytes are copied and the rest
///   zeroed, so a newer, longer struct is accepted too. A shorter IFLA_STATS64 is not a struct
///   any kernel sends; it is ignored as if absent. Without a usable IFLA_STATS64 the 32-bit
///   IFLA_STATS is used (at least 92 bytes, same rule).
/// - oper_up is IFLA_OPERSTATE == IF_OPER_UP, or IF_OPER_UNKNOWN (or no IFLA_OPERSTATE) with
///   IFF_UP and IFF_RUNNING set: drivers without carrier reporting, lo among them, stay UNKNOWN
///   forever (`ip link show lo` says "state UNKNOWN") although they pass traffic.
/// - the name is IFLA_IFNAME up to its NUL, byte for byte (quotes, backslashes, UTF-8 stay).
/// - mtu and carrier_changes are IFLA_MTU and IFLA_CARRIER_CHANGES, empty when absent.
/// Unknown attributes are skipped. Throws std::system_error(EBADMSG) for a message too short
/// for its ifinfomsg, an attribute running past its message, a known attribute of the wrong
/// size (IFLA_IFNAME empty or not NUL-terminated, IFLA_OPERSTATE not one byte, IFLA_MTU or
/// IFLA_CARRIER_CHANGES not four), or a link with no name or no usable counters: every kernel
/// sends both, so such a dump is not trusted.
DumpStatus parse_link_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                           std::uint32_t portid, std::vector<LinkStats>& links);

/// Reads every link of the calling thread's network namespace, in kernel (ifindex) order,
/// with one RTM_GETLINK dump (parse_link_dump(); run_dump() retries it when interrupted).
/// Throws std::system_error ("cannot open netlink socket: ...", "cannot dump links: ...").
std::vector<LinkStats> read_link_stats();

}  // namespace netprom
