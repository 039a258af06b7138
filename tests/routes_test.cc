// SPDX-License-Identifier: MIT
#include "routes.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "nl_builder.h"
#include "resolve.h"

namespace netprom {
namespace {

using testing::NlBuilder;
using testing::check_system_error;

constexpr std::uint32_t kSeq = 7;
constexpr std::uint32_t kPort = 99;

rtmsg route_header(unsigned char family, unsigned char dst_len = 0,
                   unsigned char table = RT_TABLE_MAIN, unsigned char type = RTN_UNICAST) {
  rtmsg route{};
  route.rtm_family = family;
  route.rtm_dst_len = dst_len;
  route.rtm_table = table;
  route.rtm_protocol = RTPROT_BOOT;
  route.rtm_scope = RT_SCOPE_UNIVERSE;
  route.rtm_type = type;
  return route;
}

in_addr v4(const char* text) {
  in_addr address{};
  BOOST_REQUIRE(::inet_pton(AF_INET, text, &address) == 1);
  return address;
}

in6_addr v6(const char* text) {
  in6_addr address{};
  BOOST_REQUIRE(::inet_pton(AF_INET6, text, &address) == 1);
  return address;
}

// One nexthop of RTA_MULTIPATH: struct rtnexthop, then its RTA_GATEWAY.
template <typename Address>
std::vector<std::byte> nexthop(int ifindex, const Address& gateway) {
  std::vector<std::byte> attr =
      NlBuilder::encode_attr(RTA_GATEWAY, std::as_bytes(std::span(&gateway, 1)));
  rtnexthop header{};
  header.rtnh_len = static_cast<unsigned short>(sizeof header + attr.size());
  header.rtnh_ifindex = ifindex;
  std::vector<std::byte> out(sizeof header);
  std::memcpy(out.data(), &header, sizeof header);
  out.insert(out.end(), attr.begin(), attr.end());
  return out;
}

std::vector<Gateway> parse(const NlBuilder& b, DumpStatus* status = nullptr) {
  std::vector<std::byte> datagram = b.copy();
  std::vector<Gateway> gateways;
  DumpStatus result = parse_route_dump(datagram, kSeq, kPort, gateways);
  if (status != nullptr) *status = result;
  return gateways;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routes)

BOOST_AUTO_TEST_CASE(ipv4_default_route_gives_its_gateway_and_interface) {
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET))
      .attr_value(RTA_TABLE, std::uint32_t{RT_TABLE_MAIN})
      .attr_value(RTA_GATEWAY, v4("198.18.0.1"))
      .attr_value(RTA_OIF, std::uint32_t{4})
      .attr_value(RTA_PRIORITY, std::uint32_t{100})
      .end();
  b.control(NLMSG_DONE, 0, kSeq, kPort);
  DumpStatus status;
  std::vector<Gateway> gateways = parse(b, &status);
  BOOST_TEST(status.done);
  BOOST_TEST_REQUIRE(gateways.size() == 1u);
  BOOST_TEST((gateways[0].family == Family::v4));
  BOOST_TEST(format_address(gateways[0].address) == "198.18.0.1");
  BOOST_TEST(gateways[0].ifindex == 4u);
  BOOST_TEST(gateways[0].metric == 100u);
}

BOOST_AUTO_TEST_CASE(ipv6_link_local_gateway_has_its_interface_as_scope) {
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET6))
      .attr_value(RTA_TABLE, std::uint32_t{RT_TABLE_MAIN})
      .attr_value(RTA_GATEWAY, v6("fe80::1"))
      .attr_value(RTA_OIF, std::uint32_t{2})
      .end();
  std::vector<Gateway> gateways = parse(b);
  BOOST_TEST_REQUIRE(gateways.size() == 1u);
  BOOST_TEST((gateways[0].family == Family::v6));
  BOOST_TEST(gateways[0].address.v6.sin6_scope_id == 2u);  // printed "%ifname" by format_address
  BOOST_TEST(same_host(gateways[0].address, *parse_address_literal("fe80::1%2")));
  BOOST_TEST(gateways[0].ifindex == 2u);
  BOOST_TEST(is_ipv6_link_local(gateways[0].address));
}

BOOST_AUTO_TEST_CASE(link_local_means_fe80_slash_10_only) {
  auto link_local = [](const char* text) { return is_ipv6_link_local(*parse_address_literal(text)); };
  BOOST_TEST(link_local("fe80::1"));
  BOOST_TEST(link_local("febf:ffff::1"));
  BOOST_TEST(link_local("fe80::1%1"));  // with its scope too
  BOOST_TEST(!link_local("fec0::1"));
  BOOST_TEST(!link_local("fd00::1"));
  BOOST_TEST(!link_local("198.18.0.1"));
}

BOOST_AUTO_TEST_CASE(routes_outside_the_main_table_are_ignored) {
  NlBuilder b;
  // rtm_table says main but RTA_TABLE (authoritative, 32 bits) says 1000.
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET, 0, RT_TABLE_MAIN))
      .attr_value(RTA_TABLE, std::uint32_t{1000})
      .attr_value(RTA_GATEWAY, v4("198.18.0.2"))
      .end();
  // rtm_table local, no RTA_TABLE.
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET, 0, RT_TABLE_LOCAL))
      .attr_value(RTA_GATEWAY, v4("198.18.0.3"))
      .end();
  // rtm_table main, no RTA_TABLE: counts (kernels before 2.6.19 send no RTA_TABLE).
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET, 0, RT_TABLE_MAIN))
      .attr_value(RTA_GATEWAY, v4("198.18.0.4"))
      .end();
  std::vector<Gateway> gateways = parse(b);
  BOOST_TEST_REQUIRE(gateways.size() == 1u);
  BOOST_TEST(format_address(gateways[0].address) == "198.18.0.4");
}

BOOST_AUTO_TEST_CASE(non_default_and_non_unicast_routes_are_ignored) {
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET, 24))
      .attr_value(RTA_GATEWAY, v4("198.18.0.5"))
      .end();
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET6, 0, RT_TABLE_MAIN, RTN_UNREACHABLE))
      .attr_value(RTA_GATEWAY, v6("fd00::5"))
      .end();
  rtmsg cloned = route_header(AF_INET6);
  cloned.rtm_flags = RTM_F_CLONED;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort).put(cloned).attr_value(RTA_GATEWAY, v6("fd00::6")).end();
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_BRIDGE))
      .end();
  // A default route with no gateway ("default dev ppp0") names nothing to ping.
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET))
      .attr_value(RTA_OIF, std::uint32_t{3})
      .end();
  BOOST_TEST(parse(b).empty());
}

BOOST_AUTO_TEST_CASE(multipath_default_route_gives_every_nexthop) {
  std::vector<std::byte> hops = nexthop(3, v4("198.18.1.1"));
  std::vector<std::byte> second = nexthop(5, v4("198.18.2.1"));
  hops.insert(hops.end(), second.begin(), second.end());
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET))
      .attr_value(RTA_TABLE, std::uint32_t{RT_TABLE_MAIN})
      .attr(RTA_MULTIPATH, hops)
      .end();
  std::vector<Gateway> gateways = parse(b);
  BOOST_TEST_REQUIRE(gateways.size() == 2u);
  BOOST_TEST(format_address(gateways[0].address) == "198.18.1.1");
  BOOST_TEST(gateways[0].ifindex == 3u);
  BOOST_TEST(format_address(gateways[1].address) == "198.18.2.1");
  BOOST_TEST(gateways[1].ifindex == 5u);
}

BOOST_AUTO_TEST_CASE(nexthop_running_past_multipath_is_a_bad_message) {
  std::vector<std::byte> hops = nexthop(3, v4("198.18.1.1"));
  hops[0] = std::byte{200};  // rtnh_len (little end) far beyond the 16 bytes there are
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort).put(route_header(AF_INET)).attr(RTA_MULTIPATH, hops).end();
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump routes: nexthop of 200 bytes in 16: Bad message");
}

BOOST_AUTO_TEST_CASE(gateway_of_the_wrong_size_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET6))
      .attr_value(RTA_GATEWAY, v4("198.18.0.1"))
      .end();
  check_system_error([&] { parse(b); }, EBADMSG, "cannot dump routes: RTA_GATEWAY of 4 bytes: Bad message");
}

BOOST_AUTO_TEST_CASE(table_of_the_wrong_size_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET))
      .attr_value(RTA_TABLE, std::uint8_t{RT_TABLE_MAIN})
      .end();
  check_system_error([&] { parse(b); }, EBADMSG, "cannot dump routes: RTA_TABLE of 1 bytes: Bad message");
}

BOOST_AUTO_TEST_CASE(attribute_running_past_its_route_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort).put(route_header(AF_INET)).attr_value(RTA_GATEWAY, v4("198.18.0.1")).end();
  b.patch(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtmsg)), std::uint16_t{12});
  check_system_error([&] { parse(b); }, EBADMSG, "cannot dump routes: truncated attribute in a route: Bad message");
}

BOOST_AUTO_TEST_CASE(message_too_short_for_rtmsg_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort).put(std::uint32_t{0}).end();
  check_system_error([&] { parse(b); }, EBADMSG, "cannot dump routes: RTM_NEWROUTE of 4 bytes: Bad message");
}

BOOST_AUTO_TEST_CASE(nlmsg_error_throws_its_errno) {
  NlBuilder b;
  b.control(NLMSG_ERROR, -EOPNOTSUPP, kSeq, kPort);
  check_system_error([&] { parse(b); }, EOPNOTSUPP, "cannot dump routes: Operation not supported");
}

BOOST_AUTO_TEST_CASE(reply_with_another_sequence_number_is_an_error) {
  NlBuilder b;
  b.control(NLMSG_DONE, 0, kSeq + 1, kPort);
  check_system_error([&] { parse(b); }, EPROTO,
                     "cannot dump routes: reply to another request: Protocol error");
}

BOOST_AUTO_TEST_CASE(datagram_cut_anywhere_is_parsed_or_rejected_never_overread) {
  std::vector<std::byte> hops = nexthop(3, v6("fe80::1"));
  NlBuilder b;
  b.begin(RTM_NEWROUTE, NLM_F_MULTI, kSeq, kPort)
      .put(route_header(AF_INET6))
      .attr_value(RTA_TABLE, std::uint32_t{RT_TABLE_MAIN})
      .attr(RTA_MULTIPATH, hops)
      .end();
  b.control(NLMSG_DONE, 0, kSeq, kPort);
  const std::vector<std::byte> whole = b.copy();
  std::size_t parsed_cuts = 0;
  for (std::size_t length = 0; length < whole.size(); ++length) {
    std::vector<std::byte> cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(length));
    std::vector<Gateway> gateways;
    try {
      parse_route_dump(cut, kSeq, kPort, gateways);
      ++parsed_cuts;
    } catch (const std::system_error& error) {
      BOOST_TEST(error.code().value() == EBADMSG);
    }
  }
  BOOST_TEST(parsed_cuts == 2u);  // empty, and the route message without DONE
}

BOOST_AUTO_TEST_CASE(gateways_are_ordered_ipv4_first_then_by_metric_without_repeats) {
  std::vector<Gateway> gateways = {
      {.family = Family::v6, .address = *parse_address_literal("fd00::1"), .ifindex = 2, .metric = 1024},
      {.family = Family::v4, .address = *parse_address_literal("198.18.0.9"), .ifindex = 3, .metric = 200},
      {.family = Family::v6, .address = *parse_address_literal("fe80::1"), .ifindex = 2, .metric = 10},
      {.family = Family::v4, .address = *parse_address_literal("198.18.0.1"), .ifindex = 3, .metric = 100},
      {.family = Family::v4, .address = *parse_address_literal("198.18.0.1"), .ifindex = 3, .metric = 300},
      {.family = Family::v4, .address = *parse_address_literal("198.18.0.1"), .ifindex = 4, .metric = 300},
  };
  order_gateways(gateways);
  BOOST_TEST_REQUIRE(gateways.size() == 5u);
  BOOST_TEST(format_address(gateways[0].address) == "198.18.0.1");
  BOOST_TEST(gateways[0].metric == 100u);
  BOOST_TEST(format_address(gateways[1].address) == "198.18.0.9");
  BOOST_TEST(format_address(gateways[2].address) == "198.18.0.1");
  BOOST_TEST(gateways[2].ifindex == 4u);
  BOOST_TEST(format_address(gateways[3].address) == "fe80::1");
  BOOST_TEST(format_address(gateways[4].address) == "fd00::1");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace netprom
