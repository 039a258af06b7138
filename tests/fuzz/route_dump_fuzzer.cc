// SPDX-License-Identifier: MIT
// libFuzzer target: parse_route_dump() over one arbitrary RTM_GETROUTE reply datagram, then
// order_gateways() and is_ipv6_link_local() over what it found.
// std::system_error ("cannot dump routes...") is the one allowed failure.
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <vector>

#include "fuzz_check.h"
#include "netlink_input.h"
#include "routes.h"

using netprom::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  netprom::fuzz::DumpInput input(data, size);
  std::vector<netprom::Gateway> gateways;
  try {
    (void)netprom::parse_route_dump(input.datagram, input.seq, input.portid, gateways);
  } catch (const std::system_error& error) {
    check(std::string_view(error.what()).starts_with("cannot dump routes"), "error message without its prefix");
    check(error.code().value() != 0, "system_error without an errno");
    return 0;
  }
  for (const netprom::Gateway& gateway : gateways) {
    check(gateway.family != netprom::Family::any, "gateway of no family");
    check(netprom::family_of(gateway.address) == gateway.family, "gateway address of another family");
    if (gateway.family == netprom::Family::v4) check(!netprom::is_ipv6_link_local(gateway.address), "IPv4 gateway is link-local");
    if (!netprom::is_ipv6_link_local(gateway.address) && gateway.family == netprom::Family::v6)
      check(gateway.address.v6.sin6_scope_id == 0, "global IPv6 gateway with a scope");
  }
  std::size_t before = gateways.size();
  netprom::order_gateways(gateways);
  check(gateways.size() <= before, "order_gateways added gateways");
  for (std::size_t i = 1; i < gateways.size(); ++i)
    check(!(gateways[i - 1].family == netprom::Family::v6 && gateways[i].family == netprom::Family::v4),
          "IPv6 gateway before an IPv4 one");
  return 0;
}
