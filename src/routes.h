// SPDX-License-Identifier: MIT
// Default gateways from the main routing table, for "no destination configured".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "family.h"

namespace netprom {

/// A default route's gateway.
struct Gateway {
  Family family = Family::v4;
  std::string address;       ///< numeric; an IPv6 link-local one carries "%ifname"
  std::uint32_t ifindex = 0;
};

/// Dumps IPv4 and IPv6 routes (RTM_GETROUTE) and returns the gateways of the default
/// routes in the main table (RT_TABLE_MAIN), IPv4 first, without duplicates.
/// Throws std::system_error on netlink failure.
std::vector<Gateway> read_default_gateways();

}  // namespace netprom
