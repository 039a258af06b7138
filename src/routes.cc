// SPDX-License-Identifier: MIT
#include "routes.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace netprom {
namespace {

[[noreturn]] void throw_bad_route(std::string_view why) {
  throw fmt::system_error(EBADMSG, "cannot dump routes: {}", why);
}

std::uint32_t get_u32(const nlattr& attr, std::string_view name) {
  if (mnl_attr_validate(&attr, MNL_TYPE_U32) < 0)
    throw_bad_route(fmt::format("{} of {} bytes", name, mnl_attr_get_payload_len(&attr)));
  return mnl_attr_get_u32(&attr);
}

// The gateway of RTA_GATEWAY, a bare in_addr or in6_addr whose size the route's family fixes,
// through interface `ifindex`. A link-local address means nothing without its link: the
// interface becomes its scope.
Gateway make_gateway(const nlattr& attr, int family, std::uint32_t ifindex, std::uint32_t metric) {
  std::size_t expected = family == AF_INET ? sizeof(in_addr) : sizeof(in6_addr);
  if (mnl_attr_get_payload_len(&attr) != expected)
    throw_bad_route(fmt::format("RTA_GATEWAY of {} bytes", mnl_attr_get_payload_len(&attr)));
  Gateway gateway{.family = family == AF_INET ? Family::v4 : Family::v6, .address = {}, .ifindex = ifindex,
                  .metric = metric};
  if (family == AF_INET) {
    gateway.address.v4.sin_family = AF_INET;
    std::memcpy(&gateway.address.v4.sin_addr, mnl_attr_get_payload(&attr), expected);
  } else {
    gateway.address.v6.sin6_family = AF_INET6;
    std::memcpy(&gateway.address.v6.sin6_addr, mnl_attr_get_payload(&attr), expected);
    if (is_ipv6_link_local(gateway.address)) gateway.address.v6.sin6_scope_id = ifindex;
  }
  return gateway;
}

// RTA_MULTIPATH is a run of struct rtnexthop, each followed by its own attributes and
// padded to RTNH_ALIGNTO; rtnh_len covers the header and the attributes.
void parse_multipath(const nlattr* multipath, int family, std::uint32_t metric,
                     std::vector<Gateway>& gateways) {
  const auto* bytes = static_cast<const unsigned char*>(mnl_attr_get_payload(multipath));
  std::size_t left = mnl_attr_get_payload_len(multipath);
  while (left >= sizeof(rtnexthop)) {
    rtnexthop nexthop;
    std::memcpy(&nexthop, bytes, sizeof nexthop);
    if (nexthop.rtnh_len < sizeof nexthop || nexthop.rtnh_len > left)
      throw_bad_route(fmt::format("nexthop of {} bytes in {}", nexthop.rtnh_len, left));
    bool whole = parse_attributes(
        bytes + RTNH_LENGTH(0), nexthop.rtnh_len - RTNH_LENGTH(0), [&](const nlattr& attr) {
          if (mnl_attr_get_type(&attr) != RTA_GATEWAY) return;
          gateways.push_back(make_gateway(attr, family, static_cast<std::uint32_t>(nexthop.rtnh_ifindex), metric));
        });
    if (!whole) throw_bad_route("truncated attribute in a nexthop");
    std::size_t step = std::min<std::size_t>(RTNH_ALIGN(nexthop.rtnh_len), left);
    bytes += step;
    left -= step;
  }
  if (left > 0) throw_bad_route("truncated nexthop");
}

void parse_route_message(const nlmsghdr& nlh, std::vector<Gateway>& gateways) {
  std::size_t payload = mnl_nlmsg_get_payload_len(&nlh);
  if (payload < sizeof(rtmsg)) throw_bad_route(fmt::format("RTM_NEWROUTE of {} bytes", payload));
  rtmsg route;
  std::memcpy(&route, mnl_nlmsg_get_payload(&nlh), sizeof route);
  // Only IPv4 and IPv6 unicast default routes; RTM_F_CLONED marks cache entries, which a
  // plain dump does not return but an IPv6 one of an old kernel might.
  if (route.rtm_family != AF_INET && route.rtm_family != AF_INET6) return;
  if (route.rtm_dst_len != 0 || route.rtm_type != RTN_UNICAST) return;
  if (route.rtm_flags & RTM_F_CLONED) return;

  // rtm_table is 8 bits; tables above 255 are only in RTA_TABLE (rtm_table says
  // RT_TABLE_COMPAT then), so RTA_TABLE wins when present.
  std::uint32_t table = route.rtm_table;
  std::uint32_t oif = 0;
  std::uint32_t metric = 0;
  const nlattr* gateway = nullptr;
  const nlattr* multipath = nullptr;
  bool whole = parse_attributes(nlh, sizeof route, [&](const nlattr& attr) {
    switch (mnl_attr_get_type(&attr)) {
      case RTA_TABLE: table = get_u32(attr, "RTA_TABLE"); break;
      case RTA_OIF: oif = get_u32(attr, "RTA_OIF"); break;
      case RTA_PRIORITY: metric = get_u32(attr, "RTA_PRIORITY"); break;
      case RTA_GATEWAY: gateway = &attr; break;
      case RTA_MULTIPATH: multipath = &attr; break;
      default: break;
    }
  });
  if (!whole) throw_bad_route("truncated attribute in a route");
  if (table != RT_TABLE_MAIN) return;
  if (gateway != nullptr) gateways.push_back(make_gateway(*gateway, route.rtm_family, oif, metric));
  if (multipath != nullptr) parse_multipath(multipath, route.rtm_family, metric, gateways);
}

// Asks for one family's routes. With NETLINK_GET_STRICT_CHK, rtm_table = RT_TABLE_MAIN
// makes the kernel dump only the main table; without it the kernel ignores the field and
// parse_route_dump() filters.
std::vector<Gateway> dump_gateways(unsigned char family) {
  rtmsg request{};
  request.rtm_family = family;
  request.rtm_table = RT_TABLE_MAIN;
  return dump_all(RTM_GETROUTE, request, "routes", parse_route_dump);
}

}  // namespace

DumpStatus parse_route_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                            std::uint32_t portid, std::vector<Gateway>& gateways) {
  return parse_dump_datagram(
      datagram, seq, portid, RTM_NEWROUTE, "routes",
      [&gateways](const nlmsghdr& nlh) { parse_route_message(nlh, gateways); });
}

void order_gateways(std::vector<Gateway>& gateways) {
  std::stable_sort(gateways.begin(), gateways.end(), [](const Gateway& a, const Gateway& b) {
    bool a_v4 = a.family == Family::v4;
    bool b_v4 = b.family == Family::v4;
    if (a_v4 != b_v4) return a_v4;
    return a.metric < b.metric;
  });
  std::vector<Gateway> unique;
  unique.reserve(gateways.size());
  for (Gateway& gateway : gateways) {
    bool seen = std::any_of(unique.begin(), unique.end(), [&gateway](const Gateway& kept) {
      return same_host(kept.address, gateway.address) && kept.ifindex == gateway.ifindex;
    });
    if (!seen) unique.push_back(std::move(gateway));
  }
  gateways = std::move(unique);
}

bool is_ipv6_link_local(const SocketAddress& address) {
  return family_of(address) == Family::v6 && IN6_IS_ADDR_LINKLOCAL(&address.v6.sin6_addr);
}

std::vector<Gateway> read_default_gateways() {
  std::vector<Gateway> gateways = dump_gateways(AF_INET);
  std::vector<Gateway> v6;
  try {
    v6 = dump_gateways(AF_INET6);
  } catch (const std::system_error& error) {
    // A kernel booted with ipv6.disable=1 has no IPv6 routes to dump; that is no failure.
    if (error.code() != std::errc::address_family_not_supported) throw;
  }
  gateways.insert(gateways.end(), std::make_move_iterator(v6.begin()),
                  std::make_move_iterator(v6.end()));
  order_gateways(gateways);
  return gateways;
}

}  // namespace netprom
