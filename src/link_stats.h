// SPDX-License-Identifier: MIT
// Interface counters from an rtnetlink RTM_GETLINK dump, with /proc/net/dev semantics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netprom {

/// One network device's counters, summed the way /proc/net/dev sums them
/// (net/core/net-procfs.c dev_seq_printf_stats).
struct LinkStats {
  std::string name;                ///< IFLA_IFNAME, raw bytes (may hold any printable byte)
  std::uint32_t index = 0;         ///< ifindex
  bool oper_up = false;            ///< IFLA_OPERSTATE == IF_OPER_UP (or UNKNOWN with carrier, like lo)
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

/// Dumps every link over a fresh NETLINK_ROUTE socket, retrying an interrupted dump
/// (NLM_F_DUMP_INTR) a bounded number of times. Returns links in kernel order.
/// Throws std::system_error ("cannot dump links: ...") on failure.
std::vector<LinkStats> read_link_stats();

}  // namespace netprom
