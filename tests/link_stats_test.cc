// SPDX-License-Identifier: MIT
#include "link_stats.h"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include "nl_builder.h"

namespace netprom {
namespace {

using testing::NlBuilder;
using testing::check_system_error;

constexpr std::uint32_t kSeq = 42;
constexpr std::uint32_t kPort = 4711;

// Every counter a different power of two, so any sum of the wrong fields shows.
rtnl_link_stats64 distinct_stats64() {
  rtnl_link_stats64 stats;
  auto* fields = reinterpret_cast<std::uint64_t*>(&stats);
  for (std::size_t i = 0; i < sizeof stats / sizeof *fields; ++i) fields[i] = std::uint64_t{1} << i;
  return stats;
}

rtnl_link_stats distinct_stats32() {
  rtnl_link_stats stats;
  auto* fields = reinterpret_cast<std::uint32_t*>(&stats);
  for (std::size_t i = 0; i < sizeof stats / sizeof *fields; ++i) fields[i] = std::uint32_t{1} << i;
  return stats;
}

ifinfomsg link_header(int index, unsigned flags = IFF_UP | IFF_RUNNING) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  ifi.ifi_flags = flags;
  return ifi;
}

std::span<const std::byte> first_bytes(const auto& value, std::size_t count) {
  return std::as_bytes(std::span(&value, 1)).first(count);
}

// A link message as the kernel sends it: header, name, operstate, counters.
NlBuilder& add_link(NlBuilder& b, int index, std::string_view name,
                    const rtnl_link_stats64& stats = distinct_stats64(),
                    std::uint8_t operstate = IF_OPER_UP) {
  return b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(index))
      .attr_string(IFLA_IFNAME, name)
      .attr_value(IFLA_OPERSTATE, operstate)
      .attr_value(IFLA_STATS64, stats)
      .end();
}

struct Parsed {
  std::vector<LinkStats> links;
  DumpStatus status;
};

Parsed parse(const NlBuilder& b) {
  std::vector<std::byte> datagram = b.copy();
  Parsed parsed;
  parsed.status = parse_link_dump(datagram, kSeq, kPort, parsed.links);
  return parsed;
}

if_stats_msg stats_header(std::uint32_t index) {
  if_stats_msg ifsm{};
  ifsm.family = AF_UNSPEC;
  ifsm.ifindex = index;
  ifsm.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
  return ifsm;
}

// A stats message as the kernel sends it for filter_mask = IFLA_STATS_LINK_64 alone.
NlBuilder& add_stats(NlBuilder& b, std::uint32_t index,
                     const rtnl_link_stats64& stats = distinct_stats64(),
                     std::uint16_t flags = NLM_F_MULTI) {
  return b.begin(RTM_NEWSTATS, flags, kSeq, kPort)
      .put(stats_header(index))
      .attr_value(IFLA_STATS_LINK_64, stats)
      .end();
}

Parsed parse_stats(const NlBuilder& b) {
  std::vector<std::byte> datagram = b.copy();
  Parsed parsed;
  parsed.status = parse_stats_dump(datagram, kSeq, kPort, parsed.links);
  return parsed;
}

// What /proc/net/dev prints for the stats of distinct_stats64(), column by column.
void check_proc_sums(const LinkStats& link, const rtnl_link_stats64& s) {
  BOOST_TEST(link.rx_bytes == s.rx_bytes);
  BOOST_TEST(link.rx_packets == s.rx_packets);
  BOOST_TEST(link.rx_errs == s.rx_errors);
  BOOST_TEST(link.rx_drop == s.rx_dropped + s.rx_missed_errors);
  BOOST_TEST(link.rx_fifo == s.rx_fifo_errors);
  BOOST_TEST(link.rx_frame ==
             s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors);
  BOOST_TEST(link.rx_compressed == s.rx_compressed);
  BOOST_TEST(link.rx_multicast == s.multicast);
  BOOST_TEST(link.tx_bytes == s.tx_bytes);
  BOOST_TEST(link.tx_packets == s.tx_packets);
  BOOST_TEST(link.tx_errs == s.tx_errors);
  BOOST_TEST(link.tx_drop == s.tx_dropped);
  BOOST_TEST(link.tx_fifo == s.tx_fifo_errors);
  BOOST_TEST(link.tx_colls == s.collisions);
  BOOST_TEST(link.tx_carrier ==
             s.tx_carrier_errors + s.tx_aborted_errors + s.tx_window_errors + s.tx_heartbeat_errors);
  BOOST_TEST(link.tx_compressed == s.tx_compressed);
}

// The counters parsed from distinct_stats64(), spelled out with the literal bit positions of
// struct rtnl_link_stats64, so a mix-up of fields in both the parser and check_proc_sums()
// would still show.
void check_distinct_stats64_bits(const LinkStats& link) {
  BOOST_TEST(link.rx_packets == 1u << 0);
  BOOST_TEST(link.tx_packets == 1u << 1);
  BOOST_TEST(link.rx_bytes == 1u << 2);
  BOOST_TEST(link.tx_bytes == 1u << 3);
  BOOST_TEST(link.rx_errs == 1u << 4);
  BOOST_TEST(link.tx_errs == 1u << 5);
  BOOST_TEST(link.rx_drop == (1u << 6 | 1u << 15));
  BOOST_TEST(link.tx_drop == 1u << 7);
  BOOST_TEST(link.rx_multicast == 1u << 8);
  BOOST_TEST(link.tx_colls == 1u << 9);
  BOOST_TEST(link.rx_frame == (1u << 10 | 1u << 11 | 1u << 12 | 1u << 13));
  BOOST_TEST(link.rx_fifo == 1u << 14);
  BOOST_TEST(link.tx_carrier == (1u << 16 | 1u << 17 | 1u << 19 | 1u << 20));
  BOOST_TEST(link.tx_fifo == 1u << 18);
  BOOST_TEST(link.rx_compressed == 1u << 21);
  BOOST_TEST(link.tx_compressed == 1u << 22);
  check_proc_sums(link, distinct_stats64());
}

// Cuts a good two-link datagram at every length: each cut must either leave whole messages
// (parsed, not done, at most two links) or be rejected with EBADMSG; AddressSanitizer (the
// asan run) catches any read past the exact-size copy. Returns how many cuts parsed.
std::size_t parsed_cuts_of(const std::vector<std::byte>& whole,
                           DumpStatus (*parse_dump)(std::span<const std::byte>, std::uint32_t, std::uint32_t,
                                                    std::vector<LinkStats>&)) {
  std::size_t parsed_cuts = 0;
  for (std::size_t length = 0; length < whole.size(); ++length) {
    std::vector<std::byte> cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(length));
    std::vector<LinkStats> links;
    try {
      DumpStatus status = parse_dump(cut, kSeq, kPort, links);
      BOOST_TEST(!status.done);
      BOOST_TEST(links.size() <= 2u);
      ++parsed_cuts;
    } catch (const std::system_error& error) {
      BOOST_TEST(error.code().value() == EBADMSG);
    }
  }
  return parsed_cuts;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(link_stats)

BOOST_AUTO_TEST_CASE(counters_are_summed_like_proc_net_dev) {
  NlBuilder b;
  add_link(b, 7, "eth0");
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
  const LinkStats& link = parsed.links[0];
  BOOST_TEST(link.name == "eth0");
  BOOST_TEST(link.index == 7u);
  BOOST_TEST(link.oper_up);
  check_distinct_stats64_bits(link);
}

BOOST_AUTO_TEST_CASE(stats64_of_every_kernel_size_is_accepted) {
  // 184 (2.6.35), 192 (+rx_nohandler), 200 (+rx_otherhost_dropped), 208 (a future field).
  struct {
    rtnl_link_stats64 known;
    std::uint64_t future;
  } longer{distinct_stats64(), 0xdeadbeef};
  for (std::size_t size : {184u, 192u, 200u, 208u}) {
    BOOST_TEST_CONTEXT("IFLA_STATS64 of " << size << " bytes") {
      NlBuilder b;
      b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
          .put(link_header(1))
          .attr_string(IFLA_IFNAME, "veth0")
          .attr(IFLA_STATS64, first_bytes(longer, size))
          .end();
      Parsed parsed = parse(b);
      BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
      check_proc_sums(parsed.links[0], distinct_stats64());
    }
  }
}

BOOST_AUTO_TEST_CASE(stats64_shorter_than_184_bytes_falls_back_to_stats32) {
  rtnl_link_stats64 stats64 = distinct_stats64();
  rtnl_link_stats stats32{};
  stats32.rx_bytes = 12345;
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(1))
      .attr_string(IFLA_IFNAME, "old0")
      .attr(IFLA_STATS64, first_bytes(stats64, 176))
      .attr_value(IFLA_STATS, stats32)
      .end();
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
  BOOST_TEST(parsed.links[0].rx_bytes == 12345u);
  BOOST_TEST(parsed.links[0].rx_packets == 0u);
}

BOOST_AUTO_TEST_CASE(stats64_shorter_than_184_bytes_alone_is_an_error) {
  rtnl_link_stats64 stats64 = distinct_stats64();
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(3))
      .attr_string(IFLA_IFNAME, "old0")
      .attr(IFLA_STATS64, first_bytes(stats64, 183))
      .end();
  check_system_error([&] { parse(b); }, EBADMSG, "cannot dump links: link 3 has no counters: Bad message");
}

BOOST_AUTO_TEST_CASE(stats32_alone_is_used_and_widened) {
  rtnl_link_stats stats = distinct_stats32();
  // Four error counters at the 32-bit maximum: their sum needs more than 32 bits.
  stats.rx_length_errors = stats.rx_over_errors = stats.rx_crc_errors = stats.rx_frame_errors =
      0xffffffffu;
  for (std::size_t size : {92u, 96u}) {
    BOOST_TEST_CONTEXT("IFLA_STATS of " << size << " bytes") {
      NlBuilder b;
      b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
          .put(link_header(2))
          .attr_string(IFLA_IFNAME, "tun0")
          .attr(IFLA_STATS, first_bytes(stats, size))
          .end();
      Parsed parsed = parse(b);
      BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
      const LinkStats& link = parsed.links[0];
      BOOST_TEST(link.rx_frame == 4 * std::uint64_t{0xffffffffu});
      BOOST_TEST(link.rx_packets == 1u << 0);
      BOOST_TEST(link.tx_packets == 1u << 1);
      BOOST_TEST(link.rx_bytes == 1u << 2);
      BOOST_TEST(link.tx_bytes == 1u << 3);
      BOOST_TEST(link.rx_drop == (1u << 6 | 1u << 15));
      BOOST_TEST(link.tx_carrier == (1u << 16 | 1u << 17 | 1u << 19 | 1u << 20));
      BOOST_TEST(link.tx_compressed == 1u << 22);
    }
  }
}

BOOST_AUTO_TEST_CASE(stats64_wins_over_stats32_in_either_order) {
  rtnl_link_stats64 stats64{};
  stats64.rx_bytes = 6400000000;  // past 2^32: why IFLA_STATS64 exists
  rtnl_link_stats stats32{};
  stats32.rx_bytes = 3200;
  for (bool stats64_first : {true, false}) {
    NlBuilder b;
    b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort).put(link_header(1)).attr_string(IFLA_IFNAME, "e");
    if (stats64_first) b.attr_value(IFLA_STATS64, stats64).attr_value(IFLA_STATS, stats32);
    else b.attr_value(IFLA_STATS, stats32).attr_value(IFLA_STATS64, stats64);
    b.end();
    Parsed parsed = parse(b);
    BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
    BOOST_TEST(parsed.links[0].rx_bytes == 6400000000u);
  }
}

BOOST_AUTO_TEST_CASE(several_messages_in_one_datagram_keep_kernel_order) {
  NlBuilder b;
  add_link(b, 1, "lo");
  add_link(b, 5, "eth1");
  add_link(b, 3, "eth0");
  b.control(NLMSG_DONE, 0, kSeq, kPort);
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 3u);
  BOOST_TEST(parsed.links[0].name == "lo");
  BOOST_TEST(parsed.links[1].name == "eth1");
  BOOST_TEST(parsed.links[2].name == "eth0");
  BOOST_TEST(parsed.links[2].index == 3u);
  BOOST_TEST(parsed.status.done);
  BOOST_TEST(!parsed.status.interrupted);
}

BOOST_AUTO_TEST_CASE(datagram_without_done_is_not_done) {
  NlBuilder b;
  add_link(b, 1, "lo");
  Parsed parsed = parse(b);
  BOOST_TEST(parsed.links.size() == 1u);
  BOOST_TEST(!parsed.status.done);
}

BOOST_AUTO_TEST_CASE(messages_after_done_are_ignored) {
  NlBuilder b;
  add_link(b, 1, "lo");
  b.control(NLMSG_DONE, 0, kSeq, kPort);
  add_link(b, 2, "after");
  Parsed parsed = parse(b);
  BOOST_TEST(parsed.links.size() == 1u);
  BOOST_TEST(parsed.status.done);
}

BOOST_AUTO_TEST_CASE(names_keep_quotes_backslashes_newlines_and_utf8_raw) {
  const std::string names[] = {"a\"b", "back\\slash", "new\nline", "caf\xc3\xa9", "\"\\\n"};
  NlBuilder b;
  int index = 1;
  for (const std::string& name : names) add_link(b, index++, name);
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == std::size(names));
  for (std::size_t i = 0; i < std::size(names); ++i) BOOST_TEST(parsed.links[i].name == names[i]);
}

BOOST_AUTO_TEST_CASE(name_ends_at_its_first_nul) {
  const char padded[] = {'e', 't', 'h', '0', '\0', '\0', '\0', '\0'};
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(1))
      .attr(IFLA_IFNAME, std::as_bytes(std::span(padded)))
      .attr_value(IFLA_STATS64, distinct_stats64())
      .end();
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
  BOOST_TEST(parsed.links[0].name == "eth0");
  BOOST_TEST(parsed.links[0].name.size() == 4u);
}

BOOST_AUTO_TEST_CASE(operstate_up_and_unknown_with_carrier_count_as_up) {
  struct Case {
    std::optional<std::uint8_t> operstate;
    unsigned flags;
    bool up;
  };
  const Case cases[] = {
      {IF_OPER_UP, IFF_UP | IFF_RUNNING, true},
      {IF_OPER_UP, 0, true},  // the kernel's operstate is the authority when it knows
      {IF_OPER_DOWN, IFF_UP, false},
      {IF_OPER_LOWERLAYERDOWN, IFF_UP | IFF_RUNNING, false},
      {IF_OPER_DORMANT, IFF_UP | IFF_RUNNING, false},
      {IF_OPER_UNKNOWN, IFF_UP | IFF_RUNNING | IFF_LOOPBACK, true},  // lo
      {IF_OPER_UNKNOWN, IFF_UP, false},
      {IF_OPER_UNKNOWN, IFF_RUNNING, false},
      {std::nullopt, IFF_UP | IFF_RUNNING, true},
      {std::nullopt, 0, false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("operstate " << (c.operstate ? int(*c.operstate) : -1) << " flags " << c.flags) {
      NlBuilder b;
      b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort).put(link_header(1, c.flags)).attr_string(IFLA_IFNAME, "x");
      if (c.operstate) b.attr_value(IFLA_OPERSTATE, *c.operstate);
      b.attr_value(IFLA_STATS64, distinct_stats64()).end();
      Parsed parsed = parse(b);
      BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
      BOOST_TEST(parsed.links[0].oper_up == c.up);
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_attributes_and_message_types_are_skipped) {
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(1))
      .attr_value(IFLA_MTU, std::uint32_t{1500})
      .attr_value(std::uint16_t{9999}, std::uint64_t{1})
      .attr(std::uint16_t{9998}, {})
      .attr_string(IFLA_IFNAME, "eth0")
      .attr_value(IFLA_STATS64, distinct_stats64())
      .end();
  b.begin(NLMSG_NOOP, 0, kSeq, kPort).end();
  b.begin(RTM_NEWADDR, NLM_F_MULTI, kSeq, kPort).put(std::uint64_t{0}).end();
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
  BOOST_TEST(parsed.links[0].name == "eth0");
}

BOOST_AUTO_TEST_CASE(nlmsg_error_throws_its_errno) {
  NlBuilder b;
  b.control(NLMSG_ERROR, -EPERM, kSeq, kPort);
  check_system_error([&] { parse(b); }, EPERM, "cannot dump links: Operation not permitted");
}

BOOST_AUTO_TEST_CASE(nlmsg_error_zero_is_an_acknowledgement) {
  NlBuilder b;
  b.control(NLMSG_ERROR, 0, kSeq, kPort);
  add_link(b, 1, "lo");
  Parsed parsed = parse(b);
  BOOST_TEST(parsed.links.size() == 1u);
  BOOST_TEST(!parsed.status.done);
}

BOOST_AUTO_TEST_CASE(nlmsg_error_with_int_min_is_a_bad_message) {
  NlBuilder b;
  b.control(NLMSG_ERROR, INT_MIN, kSeq, kPort);
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: error code -2147483648: Bad message");
}

BOOST_AUTO_TEST_CASE(nlmsg_error_without_payload_is_a_bad_message) {
  NlBuilder b;
  b.begin(NLMSG_ERROR, 0, kSeq, kPort).put(std::uint16_t{0}).end_with_length(NLMSG_HDRLEN + 2);
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: NLMSG_ERROR of 2 bytes: Bad message");
}

BOOST_AUTO_TEST_CASE(done_with_an_error_throws_its_errno) {
  NlBuilder b;
  add_link(b, 1, "lo");
  b.control(NLMSG_DONE, -EMSGSIZE, kSeq, kPort);
  check_system_error([&] { parse(b); }, EMSGSIZE, "cannot dump links: Message too long");
}

BOOST_AUTO_TEST_CASE(done_without_payload_ends_the_dump) {
  NlBuilder b;
  b.begin(NLMSG_DONE, NLM_F_MULTI, kSeq, kPort).end();
  BOOST_TEST(parse(b).status.done);
}

BOOST_AUTO_TEST_CASE(dump_intr_flag_is_reported) {
  NlBuilder b;
  add_link(b, 1, "lo");
  b.begin(RTM_NEWLINK, NLM_F_MULTI | NLM_F_DUMP_INTR, kSeq, kPort)
      .put(link_header(2))
      .attr_string(IFLA_IFNAME, "eth0")
      .attr_value(IFLA_STATS64, distinct_stats64())
      .end();
  Parsed parsed = parse(b);
  BOOST_TEST(parsed.status.interrupted);
  BOOST_TEST(parsed.links.size() == 2u);
}

BOOST_AUTO_TEST_CASE(reply_with_another_sequence_number_is_an_error) {
  NlBuilder b;
  add_link(b, 1, "lo");
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq - 1, kPort).put(link_header(2)).end();
  check_system_error([&] { parse(b); }, EPROTO,
                     "cannot dump links: reply with sequence number 41, expected 42: Protocol error");
}

BOOST_AUTO_TEST_CASE(reply_for_another_port_is_an_error) {
  NlBuilder b;
  b.control(NLMSG_DONE, 0, kSeq, kPort + 1);
  check_system_error([&] { parse(b); }, ESRCH,
                     "cannot dump links: reply for port 4712, expected 4711: No such process");
}

BOOST_AUTO_TEST_CASE(message_longer_than_the_datagram_is_a_bad_message) {
  NlBuilder b;
  add_link(b, 1, "lo");
  std::uint32_t real_length = static_cast<std::uint32_t>(b.size());
  b.end_with_length(real_length + 4);
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: truncated message at offset 0: Bad message");
}

BOOST_AUTO_TEST_CASE(message_length_below_the_header_is_a_bad_message) {
  NlBuilder b;
  add_link(b, 1, "lo");
  std::size_t second = b.size();
  add_link(b, 2, "eth0");
  b.patch(second, std::uint32_t{8});
  check_system_error([&] { parse(b); }, EBADMSG,
                     fmt::format("cannot dump links: truncated message at offset {}: Bad message", second));
}

BOOST_AUTO_TEST_CASE(message_too_short_for_ifinfomsg_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort).put(std::uint64_t{0}).end();
  check_system_error([&] { parse(b); }, EBADMSG, "cannot dump links: RTM_NEWLINK of 8 bytes: Bad message");
}

BOOST_AUTO_TEST_CASE(attribute_running_past_its_message_is_a_bad_message) {
  NlBuilder b;
  add_link(b, 6, "eth0");
  // The last attribute (IFLA_STATS64, 4 + 200 bytes) claims 8 more bytes than there are.
  std::size_t stats_attr = b.size() - NLA_ALIGN(NLA_HDRLEN + sizeof(rtnl_link_stats64));
  b.patch(stats_attr, static_cast<std::uint16_t>(NLA_HDRLEN + sizeof(rtnl_link_stats64) + 8));
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: truncated attribute in link 6: Bad message");
}

BOOST_AUTO_TEST_CASE(attribute_shorter_than_its_header_is_a_bad_message) {
  NlBuilder b;
  add_link(b, 6, "eth0");
  std::size_t name_attr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
  b.patch(name_attr, std::uint16_t{2});
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: truncated attribute in link 6: Bad message");
}

BOOST_AUTO_TEST_CASE(name_without_nul_is_a_bad_message) {
  const char unterminated[] = {'e', 't', 'h', '0'};
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(9))
      .attr(IFLA_IFNAME, std::as_bytes(std::span(unterminated)))
      .attr_value(IFLA_STATS64, distinct_stats64())
      .end();
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: IFLA_IFNAME of link 9 is not a string: Bad message");
}

BOOST_AUTO_TEST_CASE(link_without_name_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort).put(link_header(9)).attr_value(IFLA_STATS64, distinct_stats64()).end();
  check_system_error([&] { parse(b); }, EBADMSG, "cannot dump links: link 9 has no name: Bad message");
}

BOOST_AUTO_TEST_CASE(operstate_of_the_wrong_size_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(4))
      .attr_string(IFLA_IFNAME, "eth0")
      .attr_value(IFLA_OPERSTATE, std::uint32_t{IF_OPER_UP})
      .attr_value(IFLA_STATS64, distinct_stats64())
      .end();
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: IFLA_OPERSTATE of link 4 has 4 bytes: Bad message");
}

BOOST_AUTO_TEST_CASE(datagram_cut_anywhere_is_parsed_or_rejected_never_overread) {
  NlBuilder b;
  add_link(b, 1, "lo");
  add_link(b, 2, "eth0");
  b.control(NLMSG_DONE, 0, kSeq, kPort);
  // Only the empty datagram and the cuts at the two message boundaries are whole.
  BOOST_TEST(parsed_cuts_of(b.copy(), parse_link_dump) == 3u);
}

BOOST_AUTO_TEST_CASE(misaligned_datagram_is_refused) {
  NlBuilder b;
  add_link(b, 1, "lo");
  std::vector<std::byte> shifted(b.size() + 1);
  std::vector<std::byte> original = b.copy();
  std::copy(original.begin(), original.end(), shifted.begin() + 1);
  std::vector<LinkStats> links;
  check_system_error(
      [&] { parse_link_dump(std::span(shifted).subspan(1), kSeq, kPort, links); }, EINVAL,
      "cannot dump links: datagram not aligned: Invalid argument");
}

// --- parse_stats_dump: RTM_GETSTATS replies ------------------------------------------------

BOOST_AUTO_TEST_CASE(stats_dump_counters_are_summed_like_proc_net_dev) {
  NlBuilder b;
  add_stats(b, 7);
  Parsed parsed = parse_stats(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
  const LinkStats& link = parsed.links[0];
  BOOST_TEST(link.index == 7u);
  BOOST_TEST(link.name.empty());  // the ioctls fill these in
  BOOST_TEST(!link.oper_up);
  check_distinct_stats64_bits(link);
}

BOOST_AUTO_TEST_CASE(stats_dump_link_64_of_every_kernel_size_is_accepted) {
  // 184 (2.6.35's struct), 192 (+rx_nohandler), 200 (+rx_otherhost_dropped), 208 (future).
  struct {
    rtnl_link_stats64 known;
    std::uint64_t future;
  } longer{distinct_stats64(), 0xdeadbeef};
  for (std::size_t size : {184u, 192u, 200u, 208u}) {
    BOOST_TEST_CONTEXT("IFLA_STATS_LINK_64 of " << size << " bytes") {
      NlBuilder b;
      b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq, kPort)
          .put(stats_header(3))
          .attr(IFLA_STATS_LINK_64, first_bytes(longer, size))
          .end();
      Parsed parsed = parse_stats(b);
      BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
      BOOST_TEST(parsed.links[0].index == 3u);
      check_proc_sums(parsed.links[0], distinct_stats64());
    }
  }
}

BOOST_AUTO_TEST_CASE(stats_dump_link_64_shorter_than_184_bytes_is_a_bad_message) {
  // RTM_NEWSTATS has no 32-bit copy to fall back to, unlike RTM_NEWLINK.
  rtnl_link_stats64 stats = distinct_stats64();
  for (std::size_t size : {0u, 8u, 176u, 183u}) {
    BOOST_TEST_CONTEXT("IFLA_STATS_LINK_64 of " << size << " bytes") {
      NlBuilder b;
      b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq, kPort)
          .put(stats_header(5))
          .attr(IFLA_STATS_LINK_64, first_bytes(stats, size))
          .end();
      check_system_error([&] { parse_stats(b); }, EBADMSG,
                         fmt::format("cannot dump link statistics: IFLA_STATS_LINK_64 of link 5 "
                                     "has {} bytes: Bad message", size));
    }
  }
}

BOOST_AUTO_TEST_CASE(stats_dump_message_without_link_64_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq, kPort)
      .put(stats_header(4))
      .attr_value(IFLA_STATS_LINK_OFFLOAD_XSTATS, std::uint64_t{0})
      .end();
  check_system_error([&] { parse_stats(b); }, EBADMSG,
                     "cannot dump link statistics: link 4 has no counters: Bad message");
}

BOOST_AUTO_TEST_CASE(stats_dump_message_too_short_for_if_stats_msg_is_a_bad_message) {
  NlBuilder b;
  b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq, kPort).put(std::uint64_t{0}).end();
  check_system_error([&] { parse_stats(b); }, EBADMSG,
                     "cannot dump link statistics: RTM_NEWSTATS of 8 bytes: Bad message");
}

BOOST_AUTO_TEST_CASE(stats_dump_ifindex_zero_or_beyond_int_is_a_bad_message) {
  for (std::uint32_t index : {0u, 0x80000000u, 0xffffffffu}) {
    BOOST_TEST_CONTEXT("ifindex " << index) {
      NlBuilder b;
      add_stats(b, index);
      check_system_error([&] { parse_stats(b); }, EBADMSG,
                         fmt::format("cannot dump link statistics: RTM_NEWSTATS for ifindex {}: "
                                     "Bad message", index));
    }
  }
  NlBuilder largest;
  add_stats(largest, 0x7fffffffu);
  BOOST_TEST(parse_stats(largest).links.at(0).index == 0x7fffffffu);
}

BOOST_AUTO_TEST_CASE(stats_dump_keeps_kernel_order_across_messages) {
  NlBuilder b;
  add_stats(b, 1);
  add_stats(b, 5);
  add_stats(b, 3);
  b.control(NLMSG_DONE, 0, kSeq, kPort);
  Parsed parsed = parse_stats(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 3u);
  BOOST_TEST(parsed.links[0].index == 1u);
  BOOST_TEST(parsed.links[1].index == 5u);
  BOOST_TEST(parsed.links[2].index == 3u);
  BOOST_TEST(parsed.status.done);
  BOOST_TEST(!parsed.status.interrupted);
}

BOOST_AUTO_TEST_CASE(stats_dump_over_several_datagrams_appends) {
  // run_dump() feeds each datagram in turn into the same vector.
  std::vector<LinkStats> links;
  NlBuilder first;
  add_stats(first, 1);
  add_stats(first, 2);
  std::vector<std::byte> one = first.copy();
  BOOST_TEST(!parse_stats_dump(one, kSeq, kPort, links).done);
  NlBuilder second;
  add_stats(second, 9);
  second.control(NLMSG_DONE, 0, kSeq, kPort);
  std::vector<std::byte> two = second.copy();
  BOOST_TEST(parse_stats_dump(two, kSeq, kPort, links).done);
  BOOST_TEST_REQUIRE(links.size() == 3u);
  BOOST_TEST(links[2].index == 9u);
}

BOOST_AUTO_TEST_CASE(stats_dump_skips_pads_unknown_and_nested_attributes) {
  // nla_reserve_64bit() may put an IFLA_STATS_UNSPEC pad first; a wider filter would add
  // nested blocks (IFLA_STATS_LINK_XSTATS, IFLA_STATS_AF_SPEC). An IFLA_STATS_LINK_64 type
  // number inside a nest is another attribute space and must not be taken for the counters.
  rtnl_link_stats64 decoy{};
  decoy.rx_bytes = 999;
  NlBuilder b;
  b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq, kPort)
      .put(stats_header(2))
      .attr(IFLA_STATS_UNSPEC, {})
      .begin_nest(IFLA_STATS_LINK_XSTATS)
      .attr_value(IFLA_STATS_LINK_64, decoy)
      .begin_nest(std::uint16_t{1})
      .attr_value(std::uint16_t{1}, std::uint32_t{7})
      .end_nest()
      .end_nest()
      .attr_value(IFLA_STATS_LINK_64, distinct_stats64())
      .begin_nest(IFLA_STATS_AF_SPEC)
      .attr_value(IFLA_STATS_LINK_64, decoy)
      .end_nest()
      .attr_value(std::uint16_t{999}, std::uint16_t{1})
      .end();
  b.begin(NLMSG_NOOP, 0, kSeq, kPort).end();
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort).put(link_header(8)).end();  // not ours: skipped
  Parsed parsed = parse_stats(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
  BOOST_TEST(parsed.links[0].index == 2u);
  check_proc_sums(parsed.links[0], distinct_stats64());
}

BOOST_AUTO_TEST_CASE(stats_dump_link_64_after_a_nest_is_found_at_any_position) {
  for (bool stats_first : {true, false}) {
    NlBuilder b;
    b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq, kPort).put(stats_header(1));
    if (stats_first) b.attr_value(IFLA_STATS_LINK_64, distinct_stats64());
    b.begin_nest(IFLA_STATS_LINK_OFFLOAD_XSTATS).attr_value(std::uint16_t{1}, std::uint64_t{5}).end_nest();
    if (!stats_first) b.attr_value(IFLA_STATS_LINK_64, distinct_stats64());
    b.end();
    Parsed parsed = parse_stats(b);
    BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
    check_proc_sums(parsed.links[0], distinct_stats64());
  }
}

BOOST_AUTO_TEST_CASE(stats_dump_nlmsg_error_throws_its_errno) {
  // What a kernel before 4.7 answers: RTM_GETSTATS is past its RTM_MAX.
  NlBuilder b;
  b.control(NLMSG_ERROR, -EOPNOTSUPP, kSeq, kPort);
  check_system_error([&] { parse_stats(b); }, EOPNOTSUPP,
                     "cannot dump link statistics: Operation not supported");
}

BOOST_AUTO_TEST_CASE(stats_dump_done_with_an_error_throws_its_errno) {
  NlBuilder b;
  add_stats(b, 1);
  b.control(NLMSG_DONE, -EINVAL, kSeq, kPort);
  check_system_error([&] { parse_stats(b); }, EINVAL, "cannot dump link statistics: Invalid argument");
}

BOOST_AUTO_TEST_CASE(stats_dump_intr_flag_is_reported) {
  NlBuilder b;
  add_stats(b, 1);
  add_stats(b, 2, distinct_stats64(), NLM_F_MULTI | NLM_F_DUMP_INTR);
  Parsed parsed = parse_stats(b);
  BOOST_TEST(parsed.status.interrupted);
  BOOST_TEST(parsed.links.size() == 2u);
  NlBuilder done;
  done.begin(NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_INTR, kSeq, kPort).put(0).end();
  Parsed only_done = parse_stats(done);
  BOOST_TEST(only_done.status.interrupted);
  BOOST_TEST(only_done.status.done);
}

BOOST_AUTO_TEST_CASE(stats_dump_reply_with_another_sequence_number_is_an_error) {
  NlBuilder b;
  add_stats(b, 1);
  b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq + 1, kPort).put(stats_header(2)).end();
  check_system_error([&] { parse_stats(b); }, EPROTO,
                     "cannot dump link statistics: reply with sequence number 43, expected 42: "
                     "Protocol error");
}

BOOST_AUTO_TEST_CASE(stats_dump_reply_for_another_port_is_an_error) {
  NlBuilder b;
  b.begin(RTM_NEWSTATS, NLM_F_MULTI, kSeq, kPort - 1).put(stats_header(2)).end();
  check_system_error([&] { parse_stats(b); }, ESRCH,
                     "cannot dump link statistics: reply for port 4710, expected 4711: No such process");
}

BOOST_AUTO_TEST_CASE(stats_dump_message_longer_than_the_datagram_is_a_bad_message) {
  NlBuilder b;
  add_stats(b, 1);
  std::size_t second = b.size();
  add_stats(b, 2);
  b.patch(second, static_cast<std::uint32_t>(b.size() - second + 4));
  check_system_error([&] { parse_stats(b); }, EBADMSG,
                     fmt::format("cannot dump link statistics: truncated message at offset {}: "
                                 "Bad message", second));
}

BOOST_AUTO_TEST_CASE(stats_dump_attribute_running_past_its_message_is_a_bad_message) {
  NlBuilder b;
  add_stats(b, 6);
  std::size_t stats_attr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(if_stats_msg));
  b.patch(stats_attr, static_cast<std::uint16_t>(NLA_HDRLEN + sizeof(rtnl_link_stats64) + 8));
  check_system_error([&] { parse_stats(b); }, EBADMSG,
                     "cannot dump link statistics: truncated attribute in link 6: Bad message");
}

BOOST_AUTO_TEST_CASE(stats_dump_attribute_shorter_than_its_header_is_a_bad_message) {
  NlBuilder b;
  add_stats(b, 6);
  std::size_t stats_attr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(if_stats_msg));
  b.patch(stats_attr, std::uint16_t{3});
  check_system_error([&] { parse_stats(b); }, EBADMSG,
                     "cannot dump link statistics: truncated attribute in link 6: Bad message");
}

BOOST_AUTO_TEST_CASE(stats_dump_cut_anywhere_is_parsed_or_rejected_never_overread) {
  NlBuilder b;
  add_stats(b, 1);
  add_stats(b, 2);
  b.control(NLMSG_DONE, 0, kSeq, kPort);
  BOOST_TEST(parsed_cuts_of(b.copy(), parse_stats_dump) == 3u);  // empty, and the two message boundaries
}

BOOST_AUTO_TEST_CASE(only_a_kernel_without_rtm_getstats_falls_back_to_the_link_dump) {
  // The decision read_link_stats() takes on the errno of a failed RTM_GETSTATS dump.
  BOOST_TEST(stats_dump_unsupported(EOPNOTSUPP));  // before 4.7: unknown message type
  BOOST_TEST(stats_dump_unsupported(EINVAL));      // request or filter mask not understood
  for (int error : {0, EPERM, EACCES, EBADMSG, EPROTO, ESRCH, EAGAIN, ENOBUFS, EMSGSIZE, EINTR,
                    ENOMEM, ETIMEDOUT})
    BOOST_TEST(!stats_dump_unsupported(error), "errno " << error);
}

// --- the real kernel ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(links_of_the_running_kernel_include_lo, *boost::unit_test::label("netns")) {
  // Real socket: every namespace has lo.
  std::vector<LinkStats> links = read_link_stats();
  auto lo = std::find_if(links.begin(), links.end(), [](const LinkStats& l) { return l.name == "lo"; });
  BOOST_TEST_REQUIRE((lo != links.end()));
  BOOST_TEST(lo->index != 0u);
}

BOOST_AUTO_TEST_CASE(stats_dump_and_link_dump_agree_on_the_running_kernel,
                     *boost::unit_test::label("netns")) {
  // Both paths on one socket, the RTM_GETLINK one first: same links in the same order, same
  // names and state, and counters that can only have grown in between. (Links created or
  // deleted by other processes between the two reads would show as a difference; the test
  // runs in a namespace of its own or a quiet host.)
  NetlinkSocket socket;
  std::vector<LinkStats> old_way = read_link_stats_from_link_dump(socket);
  std::vector<LinkStats> new_way = read_link_stats_from_stats_dump(socket);
  std::vector<LinkStats> chosen = read_link_stats(socket);
  BOOST_TEST_REQUIRE(old_way.size() == new_way.size());
  BOOST_TEST_REQUIRE(chosen.size() == new_way.size());
  for (std::size_t i = 0; i < old_way.size(); ++i) {
    const LinkStats& a = old_way[i];
    const LinkStats& b = new_way[i];
    BOOST_TEST_CONTEXT("link " << a.index << " " << a.name) {
      BOOST_TEST(a.index == b.index);
      BOOST_TEST(a.name == b.name);
      BOOST_TEST(a.oper_up == b.oper_up);
      BOOST_TEST(chosen[i].name == b.name);
      BOOST_TEST(chosen[i].index == b.index);
      BOOST_TEST(a.rx_bytes <= b.rx_bytes);
      BOOST_TEST(a.rx_packets <= b.rx_packets);
      BOOST_TEST(a.tx_bytes <= b.tx_bytes);
      BOOST_TEST(a.tx_packets <= b.tx_packets);
      BOOST_TEST(a.rx_drop <= b.rx_drop);
      BOOST_TEST(a.tx_drop <= b.tx_drop);
      BOOST_TEST(b.rx_bytes <= chosen[i].rx_bytes);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace netprom
