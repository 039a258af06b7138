// SPDX-License-Identifier: MIT
#include "ping_sockets.h"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

#include "fake_network.h"
#include "icmp_packet.h"

using namespace netprom;
using namespace std::chrono_literals;

using fake::target;

BOOST_AUTO_TEST_SUITE(ping_sockets)

BOOST_AUTO_TEST_CASE(a_literal_gets_its_own_family_and_a_name_every_family_it_may_resolve_to) {
  const std::vector<TargetSpec> targets{target("198.18.0.2"), target("fd00::2"), target("gw"),
                                        target("gw6", Family::v6), target("gw4", Family::v4)};
  const SocketPlan plan = plan_sockets(targets);
  // One IPv4 and one IPv6 socket (slot 0 is none), shared by everybody of that family.
  BOOST_REQUIRE(plan.sockets.size() == 3u);
  const std::uint16_t v4 = plan.slots[0][0];
  const std::uint16_t v6 = plan.slots[1][1];
  BOOST_TEST(v4 != 0);
  BOOST_TEST(v6 != 0);
  BOOST_TEST(v4 != v6);
  BOOST_TEST((plan.sockets[v4].family == Family::v4));
  BOOST_TEST((plan.sockets[v6].family == Family::v6));
  BOOST_TEST((plan.slots[0] == SocketSlots{v4, 0}));  // IPv4 literal
  BOOST_TEST((plan.slots[1] == SocketSlots{0, v6}));  // IPv6 literal
  BOOST_TEST((plan.slots[2] == SocketSlots{v4, v6})); // a name of either family
  BOOST_TEST((plan.slots[3] == SocketSlots{0, v6}));  // a name asked for IPv6
  BOOST_TEST((plan.slots[4] == SocketSlots{v4, 0}));  // a name asked for IPv4
  BOOST_TEST(plan.sockets[v4].options.destinations == 3u);
  BOOST_TEST(plan.sockets[v6].options.destinations == 3u);
  // Opened IPv4 first.
  BOOST_TEST((plan.open_order == std::vector<std::uint16_t>{v4, v6}));
  BOOST_TEST(!plan.pmtu[0].has_value());
  BOOST_TEST(!plan.pmtu[1].has_value());
}

BOOST_AUTO_TEST_CASE(only_the_families_something_needs_get_a_socket) {
  const SocketPlan plan = plan_sockets(std::vector{target("198.18.0.2"), target("gw", Family::v4)});
  BOOST_REQUIRE(plan.sockets.size() == 2u);
  BOOST_TEST((plan.sockets[1].family == Family::v4));
  BOOST_TEST((plan.open_order == std::vector<std::uint16_t>{1}));
}

BOOST_AUTO_TEST_CASE(a_literal_of_the_other_family_and_an_empty_host_get_no_socket) {
  std::vector<TargetSpec> targets{target("198.18.0.2", Family::v6), target("")};
  const SocketPlan plan = plan_sockets(targets);
  BOOST_TEST(plan.sockets.size() == 1u);  // the placeholder only
  BOOST_TEST(plan.open_order.empty());
  BOOST_TEST((plan.slots[0] == SocketSlots{0, 0}));
  BOOST_TEST((plan.slots[1] == SocketSlots{0, 0}));
}

BOOST_AUTO_TEST_CASE(socket_settings_split_sockets_and_a_payload_size_does_not) {
  std::vector<TargetSpec> t{target("198.18.0.2"), target("198.18.0.3"), target("198.18.0.4"), target("198.18.0.5"),
                            target("198.18.0.6"), target("198.18.0.7")};
  t[1].probe.size = 1000;
  t[2].probe.ttl = 3;
  t[3].probe.tos = 184;
  t[4].probe.interface = "veth0";
  t[5].probe.dont_fragment = true;
  const SocketPlan plan = plan_sockets(t);
  BOOST_REQUIRE(plan.sockets.size() == 6u);  // plain (two), ttl, tos, interface, DF
  BOOST_TEST(plan.slots[0][0] == plan.slots[1][0]);
  const IcmpSocketOptions& plain = plan.sockets[plan.slots[0][0]].options;
  BOOST_TEST(plain.destinations == 2u);
  BOOST_TEST(plain.payload_size == 1000u);  // the largest of its destinations
  BOOST_TEST(!plain.ttl.has_value());
  BOOST_TEST(plan.sockets[plan.slots[2][0]].options.ttl.value() == 3);
  BOOST_TEST(plan.sockets[plan.slots[3][0]].options.tos.value() == 184);
  BOOST_TEST(plan.sockets[plan.slots[4][0]].options.interface.value() == "veth0");
  BOOST_TEST(plan.sockets[plan.slots[5][0]].options.dont_fragment);
  for (std::size_t i = 1; i < 6; ++i) BOOST_TEST(plan.sockets[plan.slots[i][0]].options.destinations == (i == 1 ? 2u : 1u));
}

BOOST_AUTO_TEST_CASE(the_source_address_is_parsed_once_and_must_be_an_address) {
  std::vector<TargetSpec> t{target("198.18.0.2")};
  t[0].probe.source = "198.18.0.1";
  const SocketPlan plan = plan_sockets(t);
  BOOST_REQUIRE(plan.sockets[1].options.source.has_value());
  BOOST_TEST(format_address(*plan.sockets[1].options.source) == "198.18.0.1");
  t[0].probe.source = "gateway.example";
  try {
    plan_sockets(t);
    BOOST_FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "source address 'gateway.example' is not an IP address");
  }
}

BOOST_AUTO_TEST_CASE(pmtu_probe_sockets_for_the_families_of_the_targets_that_ask) {
  std::vector<TargetSpec> t{target("198.18.0.2"), target("fd00::2"), target("198.18.0.3")};
  t[1].probe.pmtu = true;
  t[1].probe.ttl = 7;
  t[1].probe.dont_fragment = true;
  t[1].probe.timeout = 1.5;
  t[2].probe.pmtu = true;
  t[2].probe.timeout = 3;
  const SocketPlan plan = plan_sockets(t);
  BOOST_REQUIRE(plan.pmtu[0].has_value());
  BOOST_REQUIRE(plan.pmtu[1].has_value());
  // The settings of the family's first target that asks, probing instead of plain DF.
  BOOST_TEST(plan.pmtu[1]->ttl.value() == 7);
  BOOST_TEST(!plan.pmtu[1]->dont_fragment);
  BOOST_TEST(plan.pmtu[1]->probe_path_mtu);
  BOOST_TEST(plan.pmtu[1]->payload_size == kMaxPayloadSize);
  BOOST_TEST(!plan.pmtu[0]->ttl.has_value());
  BOOST_TEST(plan.pmtu[0]->probe_path_mtu);
  BOOST_TEST((plan.pmtu_timeout == 3s));
  // Only IPv4 asks: no IPv6 probe socket.
  t[1].probe.pmtu = false;
  BOOST_TEST(!plan_sockets(t).pmtu[1].has_value());
}

BOOST_AUTO_TEST_CASE(a_family_the_kernel_lacks_leaves_its_sockets_null_and_other_errors_pass) {
  fake::FakeClock clock;
  std::vector<TargetSpec> t{target("gw")};
  t[0].probe.pmtu = true;
  const SocketPlan plan = plan_sockets(t);
  std::vector<std::pair<Family, bool>> opened;  // family, probe socket
  const SocketOpener no_ipv6 = [&](Family family, const IcmpSocketOptions& o) -> std::unique_ptr<IcmpSocket> {
    opened.emplace_back(family, o.probe_path_mtu);
    if (family == Family::v6) throw std::system_error(EAFNOSUPPORT, std::generic_category(), "no IPv6");
    return std::make_unique<fake::FakeIcmpSocket>(clock, family, SocketKind::raw, 3);
  };
  const OpenSockets sockets = open_sockets(plan, no_ipv6);
  BOOST_REQUIRE(sockets.sockets.size() == 3u);
  BOOST_TEST(!sockets.sockets[0]);
  BOOST_TEST(sockets.sockets[plan.slots[0][0]] != nullptr);
  BOOST_TEST(!sockets.sockets[plan.slots[0][1]]);
  BOOST_TEST(sockets.pmtu[0] != nullptr);
  BOOST_TEST(!sockets.pmtu[1]);
  BOOST_TEST((opened == std::vector<std::pair<Family, bool>>{
                            {Family::v4, false}, {Family::v6, false}, {Family::v4, true}, {Family::v6, true}}));
  const SocketOpener denied = [](Family, const IcmpSocketOptions&) -> std::unique_ptr<IcmpSocket> {
    throw std::system_error(ENODEV, std::generic_category(), "cannot bind to interface");
  };
  BOOST_CHECK_THROW(open_sockets(plan, denied), std::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
