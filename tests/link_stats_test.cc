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
                    std::uint8_t operstate = IF_OPER_UP) {  // MTU 1500, 3 carrier changes
  return b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(index))
      .attr_string(IFLA_IFNAME, name)
      .attr_value(IFLA_MTU, std::uint32_t{1500})
      .attr_value(IFLA_OPERSTATE, operstate)
      .attr_value(IFLA_CARRIER_CHANGES, std::uint32_t{3})
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
  BOOST_TEST(link.mtu.value_or(0) == 1500u);
  BOOST_TEST(link.carrier_changes.value_or(0) == 3u);
  check_distinct_stats64_bits(link);
}

BOOST_AUTO_TEST_CASE(mtu_and_carrier_changes_come_from_the_same_message) {
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(2))
      .attr_value(IFLA_CARRIER_CHANGES, std::uint32_t{4294967295u})
      .attr_string(IFLA_IFNAME, "veth0")
      .attr_value(IFLA_MTU, std::uint32_t{1400})
      .attr_value(IFLA_STATS64, distinct_stats64())
      .end();
  add_link(b, 3, "veth1");
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 2u);
  BOOST_TEST(parsed.links[0].mtu.value_or(0) == 1400u);
  BOOST_TEST(parsed.links[0].carrier_changes.value_or(0) == 4294967295u);
  BOOST_TEST(parsed.links[1].mtu.value_or(0) == 1500u);
}

BOOST_AUTO_TEST_CASE(missing_mtu_and_carrier_changes_stay_empty) {
  // IFLA_CARRIER_CHANGES came with Linux 3.15: absent is "unknown", never a made-up 0.
  NlBuilder b;
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
      .put(link_header(2))
      .attr_string(IFLA_IFNAME, "old0")
      .attr_value(IFLA_STATS64, distinct_stats64())
      .end();
  Parsed parsed = parse(b);
  BOOST_TEST_REQUIRE(parsed.links.size() == 1u);
  BOOST_TEST(!parsed.links[0].mtu.has_value());
  BOOST_TEST(!parsed.links[0].carrier_changes.has_value());
}

BOOST_AUTO_TEST_CASE(mtu_or_carrier_changes_of_the_wrong_size_is_a_bad_message) {
  for (std::uint16_t type : {std::uint16_t{IFLA_MTU}, std::uint16_t{IFLA_CARRIER_CHANGES}}) {
    NlBuilder b;
    b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq, kPort)
        .put(link_header(5))
        .attr_string(IFLA_IFNAME, "eth0")
        .attr_value(type, std::uint16_t{1400})
        .attr_value(IFLA_STATS64, distinct_stats64())
        .end();
    check_system_error([&] { parse(b); }, EBADMSG,
                       fmt::format("cannot dump links: {} of link 5 has 2 bytes: Bad message",
                                   type == IFLA_MTU ? "IFLA_MTU" : "IFLA_CARRIER_CHANGES"));
  }
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

BOOST_AUTO_TEST_CASE(nlmsg_error_zero_is_an_acknowledgement_that_ends_the_reply) {
  // As libmnl's own NLMSG_ERROR handler does: an ACK is the last message of its reply.
  NlBuilder b;
  b.control(NLMSG_ERROR, 0, kSeq, kPort);
  add_link(b, 1, "lo");
  Parsed parsed = parse(b);
  BOOST_TEST(parsed.links.empty());
  BOOST_TEST(parsed.status.done);
}

BOOST_AUTO_TEST_CASE(nlmsg_error_with_int_min_is_a_bad_message) {
  NlBuilder b;
  b.control(NLMSG_ERROR, INT_MIN, kSeq, kPort);
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: NLMSG_ERROR with error code INT_MIN: Bad message");
}

BOOST_AUTO_TEST_CASE(nlmsg_error_without_payload_is_a_bad_message) {
  NlBuilder b;
  b.begin(NLMSG_ERROR, 0, kSeq, kPort).put(std::uint16_t{0}).end_with_length(NLMSG_HDRLEN + 2);
  check_system_error([&] { parse(b); }, EBADMSG,
                     "cannot dump links: NLMSG_ERROR without its error code: Bad message");
}

BOOST_AUTO_TEST_CASE(nlmsg_noop_is_skipped_and_nlmsg_overrun_is_an_error) {
  NlBuilder b;
  b.begin(NLMSG_NOOP, 0, kSeq, kPort).end();
  add_link(b, 1, "lo");
  BOOST_TEST(parse(b).links.size() == 1u);
  b.begin(NLMSG_OVERRUN, 0, kSeq, kPort).end();
  check_system_error([&] { parse(b); }, ENOBUFS, "cannot dump links: NLMSG_OVERRUN: No buffer space available");
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
  BOOST_TEST(!parsed.status.done);
  BOOST_TEST(parsed.links.size() == 1u);  // mnl_cb_run2() stops at the interrupted message
}

BOOST_AUTO_TEST_CASE(reply_with_another_sequence_number_is_an_error) {
  NlBuilder b;
  add_link(b, 1, "lo");
  b.begin(RTM_NEWLINK, NLM_F_MULTI, kSeq - 1, kPort).put(link_header(2)).end();
  check_system_error([&] { parse(b); }, EPROTO,
                     "cannot dump links: reply to another request: Protocol error");
}

BOOST_AUTO_TEST_CASE(reply_for_another_port_is_an_error) {
  NlBuilder b;
  b.control(NLMSG_DONE, 0, kSeq, kPort + 1);
  check_system_error([&] { parse(b); }, ESRCH,
                     "cannot dump links: reply for another socket: No such process");
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

// --- retry_interrupted_dump: the retry policy of run_dump() ---------------------------------

BOOST_AUTO_TEST_CASE(interrupted_dump_is_restarted_until_one_completes) {
  int attempts = 0, restarts = 0;
  retry_interrupted_dump("links", [&] { return ++attempts < 3; }, [&] { ++restarts; });
  BOOST_TEST(attempts == 3);
  BOOST_TEST(restarts == 2);
}

BOOST_AUTO_TEST_CASE(dump_interrupted_eight_times_in_a_row_fails_with_eagain) {
  int attempts = 0, restarts = 0;
  check_system_error(
      [&] { retry_interrupted_dump("links", [&] { ++attempts; return true; }, [&] { ++restarts; }); },
      EAGAIN, "cannot dump links: interrupted by changes 8 times in a row: Resource temporarily unavailable");
  BOOST_TEST(attempts == kMaxDumpAttempts);
  BOOST_TEST(restarts == kMaxDumpAttempts - 1);
  attempts = 0;  // the eighth attempt may still complete
  retry_interrupted_dump("links", [&] { return ++attempts < kMaxDumpAttempts; }, [] {});
  BOOST_TEST(attempts == kMaxDumpAttempts);
}

// --- the real kernel ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(links_of_the_running_kernel_include_lo, *boost::unit_test::label("netns")) {
  // Real socket: every namespace has lo.
  std::vector<LinkStats> links = read_link_stats();
  auto lo = std::find_if(links.begin(), links.end(), [](const LinkStats& l) { return l.name == "lo"; });
  BOOST_TEST_REQUIRE((lo != links.end()));
  BOOST_TEST(lo->index != 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace netprom
