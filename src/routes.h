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

namespace netprom {

/// A default route's gateway.
struct Gateway {
  Family family = Family::v4;
  std::string address;       ///< numeric; an IPv6 link-local one carries "%ifname"
  std::uint32_t ifindex = 0;
  std::uint32_t metric = 0;  ///< RTA_PRIORITY; lower wins, so gateways are listed by it
};

/// Appends the default gateways found in one RTM_GETROUTE dump reply datagram to `gateways`
/// (pure: bytes in, values out; the address carries no "%ifname" zone yet, which
/// read_default_gateways() adds). `seq` and `portid` are those of the request; see
/// parse_dump_datagram() for the framing checks and their errors ("cannot dump routes: ...").
/// A route counts when it is AF_INET or AF_INET6, unicast, not a cached clone, has
/// dst_len 0 and sits in the main table (RTA_TABLE, else rtm_table). Its gateway is
/// RTA_GATEWAY with RTA_OIF, or each RTA_GATEWAY inside RTA_MULTIPATH with that nexthop's
/// ifindex; a default route without a gateway (e.g. "dev ppp0" only) gives none. Unknown
/// attributes are skipped. Throws std::system_error(EBADMSG) for a message too short for its
/// rtmsg, an attribute or nexthop running past its container, or a known attribute of the
/// wrong size (RTA_GATEWAY not 4 or 16 bytes to match the family, RTA_TABLE, RTA_OIF or
/// RTA_PRIORITY not 4 bytes).
DumpStatus parse_route_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                            std::uint32_t portid, std::vector<Gateway>& gateways);

/// Puts `gateways` in their published order: IPv4 first, then by metric, kernel order
/// otherwise, and drops repeats of the same family, address and interface. Pure.
void order_gateways(std::vector<Gateway>& gateways);

/// Whether `address` (numeric, no zone) is an IPv6 link-local one (fe80::/10), which is
/// only reachable when a zone names its interface. Pure.
bool is_ipv6_link_local(const std::string& address);

/// Dumps IPv4 and IPv6 routes (RTM_GETROUTE) and returns the gateways of the default
/// routes in the main table (RT_TABLE_MAIN), IPv4 first, without duplicates.
/// IPv6 link-local gateways get "%ifname" (if_indextoname), or "%ifindex" when the interface
/// is gone by then, so that they can be pinged.
/// Throws std::system_error ("cannot dump routes: ...") on netlink failure.
std::vector<Gateway> read_default_gateways();

}  // namespace netprom
