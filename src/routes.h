// SPDX-License-Identifier: MIT
// Default gateways from the main routing table, for "no destination configured".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "family.h"
#include "netlink_socket.h"
#include "socket_address.h"

namespace netprom {

/// A default route's gateway.
struct Gateway {
  Family family = Family::v4;
  /// As the kernel gave it; an IPv6 link-local one has its route's interface as scope, which
  /// format_address() prints as "%ifname" (or "%ifindex" when the interface is gone).
  SocketAddress address{};
  std::uint32_t ifindex = 0;
  std::uint32_t metric = 0;  ///< RTA_PRIORITY; lower wins, so gateways are listed by it
};

/// Appends the default gateways found in one RTM_GETROUTE dump reply datagram to `gateways`
/// (pure: bytes in, values out). `seq` and `portid` are those of the request; see
/// parse_dump_datagram() for the framing checks and their errors ("cannot dump routes: ...").
/// A route counts when it is AF_INET or AF_INET6, unicast, not a cached clone, has
/// dst_len 0 and sits in the main table (RTA_TABLE, else rtm_table). Its gateway is
/// RTA_GATEWAY with RTA_OIF, or each RTA_GATEWAY inside RTA_MULTIPATH with that nexthop's
/// ifindex (an IPv6 link-local gateway gets that interface as its scope); a default route
/// without a gateway (e.g. "dev ppp0" only) gives none. Unknown
/// attributes are skipped. Throws std::system_error(EBADMSG) for a message too short for its
/// rtmsg, an attribute or nexthop running past its container, or a known attribute of the
/// wrong size (RTA_GATEWAY not 4 or 16 bytes to match the family, RTA_TABLE, RTA_OIF or
/// RTA_PRIORITY not 4 bytes).
DumpStatus parse_route_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                            std::uint32_t portid, std::vector<Gateway>& gateways);

/// Puts `gateways` in their published order: IPv4 first, then by metric, kernel order
/// otherwise, and drops repeats of the same family, address and interface. Pure.
void order_gateways(std::vector<Gateway>& gateways);

/// Whether `address` is an IPv6 link-local one (fe80::/10), which is only reachable through
/// the interface its scope names. Pure.
bool is_ipv6_link_local(const SocketAddress& address);

/// Dumps IPv4 and IPv6 routes (RTM_GETROUTE) and returns the gateways of the default
/// routes in the main table (RT_TABLE_MAIN), IPv4 first, without duplicates.
/// Throws std::system_error ("cannot dump routes: ...") on netlink failure.
std::vector<Gateway> read_default_gateways();

}  // namespace netprom
