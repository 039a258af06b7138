// SPDX-License-Identifier: MIT
#include "resolve.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>

#include <cstring>

#include <boost/test/unit_test.hpp>

#include <vector>

#include "fake_network.h"

using namespace netprom;

namespace {

// Targets of these hosts, each with the family its settings want.
std::vector<TargetSpec> targets(std::initializer_list<std::pair<const char*, Family>> hosts) {
  std::vector<TargetSpec> out;
  for (const auto& [host, family] : hosts) out.push_back(fake::target(host, family));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resolve)

BOOST_AUTO_TEST_CASE(literals_are_parsed_without_dns) {
  const auto v4 = parse_address_literal("127.0.0.1");
  BOOST_REQUIRE(v4);
  BOOST_TEST((family_of(*v4) == Family::v4));
  BOOST_TEST(format_address(*v4) == "127.0.0.1");
  const auto v6 = parse_address_literal("::1");
  BOOST_REQUIRE(v6);
  BOOST_TEST((family_of(*v6) == Family::v6));
  BOOST_TEST(format_address(*v6) == "::1");
  BOOST_TEST(!parse_address_literal("localhost"));
  BOOST_TEST(!parse_address_literal("127.0.0.1.2"));
}

BOOST_AUTO_TEST_CASE(ipv4_literals_read_and_print_as_getaddrinfo_and_inet_ntop_do) {
  // parse_address_literal() reads dotted quads itself and leaves the rest to getaddrinfo();
  // format_address() prints IPv4 itself. Either way the bytes must be what libc gives.
  for (const char* text : {"127.0.0.1", "0.0.0.0", "255.255.255.255", "198.18.0.1", "10.1.2.3", "127.1",
                           "0x7f.0.0.1", "127.0.0.01", "1.2.3", " 1.2.3.4", "1.2.3.4 ", "256.1.1.1", "1.2.3.4.5", ""}) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST;
    addrinfo* list = nullptr;
    const bool libc_reads_it = ::getaddrinfo(text, nullptr, &hints, &list) == 0 && list->ai_family == AF_INET;
    const auto ours = parse_address_literal(text);
    BOOST_TEST(ours.has_value() == libc_reads_it, "'" << text << "'");
    if (libc_reads_it && ours) {
      BOOST_TEST(std::memcmp(&ours->v4, list->ai_addr, sizeof(sockaddr_in)) == 0, "'" << text << "'");
    }
    if (list != nullptr) ::freeaddrinfo(list);
  }
  std::uint32_t x = 1;
  for (int i = 0; i < 2000; ++i) {
    x = x * 1103515245u + 12345u;
    SocketAddress a{};
    a.v4.sin_family = AF_INET;
    a.v4.sin_addr.s_addr = i < 4 ? (i == 0 ? 0u : i == 1 ? 0xffffffffu : i == 2 ? htonl(0x0a000001u) : htonl(0x7f000001u)) : x;
    char text[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &a.v4.sin_addr, text, sizeof text);
    BOOST_TEST_REQUIRE(format_address(a) == text);
  }
}

BOOST_AUTO_TEST_CASE(ipv6_literal_keeps_its_scope) {
  const auto a = parse_address_literal("fe80::1%lo");
  BOOST_REQUIRE(a);
  BOOST_TEST(a->v6.sin6_scope_id == ::if_nametoindex("lo"));
  BOOST_TEST(format_address(*a) == "fe80::1%lo");
  // A reply carries the scope; a literal without one still matches it.
  const auto unscoped = parse_address_literal("fe80::1");
  BOOST_TEST(same_host(*a, *unscoped));
  BOOST_TEST(!same_host(*a, *parse_address_literal("fe80::2%lo")));
  BOOST_TEST(!same_host(*parse_address_literal("127.0.0.1"), *parse_address_literal("::ffff:127.0.0.1")));
}

BOOST_AUTO_TEST_CASE(getaddrinfo_resolver_answers_literals_and_localhost_by_family) {
  GetaddrinfoResolver resolver;
  SystemClock clock;
  const std::vector<TargetSpec> requests = targets({{"127.0.0.1", Family::any}, {"::1", Family::any},
                                                    {"::1", Family::v4},       {"127.0.0.2", Family::v6},
                                                    {"localhost", Family::v4}, {"", Family::any}});
  const auto answers = fake::resolve_all(resolver, clock, requests, clock.now().mono + std::chrono::seconds(5));
  BOOST_REQUIRE(answers.size() == requests.size());
  BOOST_TEST(format_address(answers[0].value()) == "127.0.0.1");
  BOOST_TEST(format_address(answers[1].value()) == "::1");
  BOOST_TEST(!answers[2]);  // -4 with an IPv6 literal
  BOOST_TEST(!answers[3]);  // -6 with an IPv4 literal
  BOOST_REQUIRE(answers[4]);
  BOOST_TEST(format_address(*answers[4]) == "127.0.0.1");
  BOOST_TEST(!answers[5]);
}

BOOST_AUTO_TEST_CASE(literals_are_answered_at_the_first_check_without_waiting) {
  GetaddrinfoResolver resolver;
  const std::vector<TargetSpec> requests = targets({{"127.0.0.3", Family::any}, {"::1", Family::v6}});
  const MonoTime now = std::chrono::steady_clock::now();
  resolver.start(requests, now);
  BOOST_TEST((resolver.next_check() == now));
  const auto answers = resolver.take_answers(now);
  BOOST_REQUIRE(answers.size() == 2u);
  BOOST_TEST(format_address(answers[0].address.value()) == "127.0.0.3");
  BOOST_TEST(format_address(answers[1].address.value()) == "::1");
  BOOST_TEST(!resolver.next_check());  // nothing left to wait for
}

BOOST_AUTO_TEST_CASE(a_targets_address_is_taken_as_it_is) {
  // A default gateway: its host is text for people, its address the route's own (a link-local
  // one with the scope of an interface that the text could no longer name).
  TargetSpec gateway = fake::target("fe80::1%gone0");
  gateway.address = fake::address("fe80::1%1");
  BOOST_REQUIRE(!parse_address_literal(gateway.host));  // the text alone would not do
  GetaddrinfoResolver resolver;
  const MonoTime now = std::chrono::steady_clock::now();
  resolver.start(std::vector{gateway}, now);
  const auto answers = resolver.take_answers(now);
  BOOST_REQUIRE(answers.size() == 1u);
  BOOST_REQUIRE(answers[0].address.has_value());
  BOOST_TEST(same_host(*answers[0].address, *gateway.address));
  BOOST_TEST(answers[0].address->v6.sin6_scope_id == 1u);
}

BOOST_AUTO_TEST_CASE(fake_resolver_answers_by_family_at_scripted_times) {
  fake::FakeClock clock;
  fake::FakeResolver resolver;
  resolver.answers["gw"] = fake::address("198.18.0.1");
  resolver.delay = std::chrono::seconds(3);
  resolver.delays["fast"] = std::chrono::milliseconds(5);
  resolver.answers["fast"] = fake::address("fd00::1");
  resolver.silent.insert("never");
  const std::vector<TargetSpec> requests = targets(
      {{"gw", Family::v4}, {"gw", Family::v6}, {"nx", Family::any}, {"fast", Family::any}, {"never", Family::any}});
  const MonoTime start = clock.mono;
  resolver.start(requests, start);
  BOOST_TEST((resolver.next_check() == start + std::chrono::milliseconds(5)));
  const auto first = resolver.take_answers(start + std::chrono::milliseconds(5));
  BOOST_REQUIRE(first.size() == 1u);
  BOOST_TEST(first[0].request == 3u);
  BOOST_TEST((resolver.next_check() == start + std::chrono::seconds(3)));
  const auto second = resolver.take_answers(start + std::chrono::seconds(3));
  BOOST_REQUIRE(second.size() == 3u);
  BOOST_TEST(second[0].address.has_value());   // gw, IPv4
  BOOST_TEST(!second[1].address.has_value());  // gw has no IPv6 address
  BOOST_TEST(!second[2].address.has_value());  // nx
  BOOST_TEST(resolver.asked.size() == 5u);
  // "never" is still running: the caller's deadline ends the wait.
  BOOST_TEST((resolver.next_check() == MonoTime::max()));
  BOOST_TEST(resolver.take_answers(start + std::chrono::hours(1)).empty());
}

BOOST_AUTO_TEST_CASE(resolve_all_returns_by_the_deadline_when_a_name_never_answers) {
  fake::FakeClock clock;
  fake::FakeResolver resolver;
  resolver.silent.insert("never");
  const std::vector<TargetSpec> requests = targets({{"never", Family::any}, {"198.18.0.9", Family::any}});
  const MonoTime start = clock.mono;
  const auto answers = fake::resolve_all(resolver, clock, requests, start + std::chrono::seconds(2));
  BOOST_TEST(!answers[0]);
  BOOST_TEST(answers[1].has_value());
  BOOST_TEST((clock.mono - start == std::chrono::seconds(2)));
}

BOOST_AUTO_TEST_SUITE_END()
