// SPDX-License-Identifier: MIT
#include "ping_matcher.h"

#include <boost/test/unit_test.hpp>

#include "fake_network.h"
#include "icmp_packet.h"

using namespace netprom;
using namespace std::chrono_literals;

namespace {

const MonoTime t0{std::chrono::seconds(1000)};
constexpr std::size_t kSize = 56;

// Two IPv4 destinations (slot 0, raw socket) and one IPv6 destination (slot 1); requests are
// rendered as the loop renders them.
struct MatcherFixture {
  PingSeed seed{0xbeef, 0xfff0, 0x0123456789abcdefULL};
  PingLedger ledger{3, t0 + 50s};
  std::uint32_t a = ledger.add_destination(
      {.address = fake::address("198.18.0.2"), .target = 0, .slot = 0, .timeout = 2s, .count = 1, .size = kSize});
  std::uint32_t c = ledger.add_destination(
      {.address = fake::address("198.18.0.3"), .target = 2, .slot = 0, .timeout = 2s, .count = 1, .size = kSize});
  std::uint32_t v6 = ledger.add_destination(
      {.address = fake::address("fd00::2"), .target = 1, .slot = 1, .timeout = 2s, .count = 1, .size = kSize});

  std::vector<std::byte> send(std::uint32_t d) {
    const std::uint32_t r = ledger.record_send(d, {t0, {}}, 0);
    std::vector<std::byte> packet(kIcmpHeaderSize + kSize);
    render_echo_request(packet, ledger.destination(d).slot == 1 ? Family::v6 : Family::v4, seed.identifier,
                        sequence_of(seed, r), seed.nonce, r, kSize);
    return packet;
  }

  Match raw4(const std::vector<std::byte>& icmp, const std::string& from) {
    const std::vector<std::byte> bytes = fake::with_ipv4_header(icmp, from, "198.18.0.1");
    Datagram d;
    d.bytes = bytes;
    d.peer = fake::address(from);
    return match_message(seed, Family::v4, 0, SocketKind::raw, d, ledger);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ping_matcher, MatcherFixture)

BOOST_AUTO_TEST_CASE(reply_names_its_request) {
  send(a);
  const auto request = send(c);
  const Match m = raw4(fake::echo_reply(request, Family::v4), "198.18.0.3");
  BOOST_TEST((m.verdict == Verdict::reply));
  BOOST_TEST(m.request == 1u);
}

BOOST_AUTO_TEST_CASE(reply_from_another_source_or_with_another_identifier_is_foreign) {
  const auto request = send(a);
  BOOST_TEST((raw4(fake::echo_reply(request, Family::v4), "198.18.0.3").verdict == Verdict::foreign));
  auto other_id = fake::echo_reply(request, Family::v4);
  fake::put16(other_id, 4, 0x1234);
  fake::fix_checksum(other_id);
  BOOST_TEST((raw4(other_id, "198.18.0.2").verdict == Verdict::foreign));
}

BOOST_AUTO_TEST_CASE(reply_naming_a_request_not_sent_is_foreign) {
  const auto request = send(a);
  auto future = fake::echo_reply(request, Family::v4);
  render_probe_payload(std::span(future).subspan(kIcmpHeaderSize), seed.nonce, 1);
  fake::fix_checksum(future);
  BOOST_TEST((raw4(future, "198.18.0.2").verdict == Verdict::foreign));
}

BOOST_AUTO_TEST_CASE(bad_checksum_or_sequence_is_corrupt) {
  const auto request = send(a);
  auto bad_sum = fake::echo_reply(request, Family::v4);
  bad_sum[2] ^= std::byte{1};
  BOOST_TEST((raw4(bad_sum, "198.18.0.2").verdict == Verdict::corrupt));
  auto bad_seq = fake::echo_reply(request, Family::v4);
  fake::put16(bad_seq, 6, 7);
  fake::fix_checksum(bad_seq);
  const Match m = raw4(bad_seq, "198.18.0.2");
  BOOST_TEST((m.verdict == Verdict::corrupt));
  BOOST_TEST(m.request == 0u);
}

BOOST_AUTO_TEST_CASE(error_quoting_the_whole_request_names_it) {
  const auto request = send(a);
  const auto error = fake::icmp4_error(3, 1, request, "198.18.0.1", "198.18.0.2", request.size());
  const Match m = raw4(error, "198.18.0.9");
  BOOST_TEST((m.verdict == Verdict::error));
  BOOST_TEST(m.request == 0u);
  // The same quote claiming another destination is not about our request.
  const auto wrong = fake::icmp4_error(3, 1, request, "198.18.0.1", "198.18.0.3", request.size());
  BOOST_TEST((raw4(wrong, "198.18.0.9").verdict == Verdict::foreign));
}

BOOST_AUTO_TEST_CASE(error_quoting_only_the_header_names_the_pending_request_by_sequence) {
  send(a);
  const auto second = send(c);
  const auto error = fake::icmp4_error(11, 0, second, "198.18.0.1", "198.18.0.3", kIcmpHeaderSize);
  Match m = raw4(error, "198.18.0.9");
  BOOST_TEST((m.verdict == Verdict::error));
  BOOST_TEST(m.request == 1u);
  ledger.transition(1, RequestEvent::error);
  m = raw4(error, "198.18.0.9");  // no longer pending: nothing to attribute
  BOOST_TEST((m.verdict == Verdict::foreign));
}

BOOST_AUTO_TEST_CASE(error_queue_entry_names_the_request_by_its_destination) {
  const auto request = send(v6);
  Datagram d;
  d.bytes = request;
  d.peer = fake::address("fd00::2");
  d.from_error_queue = true;
  const Match m = match_message(seed, Family::v6, 1, SocketKind::datagram, d, ledger);
  BOOST_TEST((m.verdict == Verdict::error));
  BOOST_TEST(m.request == 0u);
  // On the other socket it is not ours.
  BOOST_TEST((match_message(seed, Family::v4, 0, SocketKind::datagram, d, ledger).verdict == Verdict::foreign));
}

BOOST_AUTO_TEST_CASE(truncated_datagrams_are_foreign) {
  const auto request = send(a);
  const auto reply = fake::with_ipv4_header(fake::echo_reply(request, Family::v4), "198.18.0.2", "198.18.0.1");
  for (std::size_t n = 0; n < 20 + kIcmpHeaderSize + kMinPayloadSize; ++n) {
    Datagram d;
    d.bytes = std::span(reply).first(n);
    d.peer = fake::address("198.18.0.2");
    BOOST_TEST((match_message(seed, Family::v4, 0, SocketKind::raw, d, ledger).verdict == Verdict::foreign));
  }
}

BOOST_AUTO_TEST_CASE(raw_error_says_its_type_sender_and_mtu) {
  const auto request = send(a);
  Match m = raw4(fake::icmp4_error(11, 0, request, "198.18.0.1", "198.18.0.2", request.size()), "198.18.1.2");
  BOOST_TEST((m.verdict == Verdict::error));
  BOOST_TEST((m.error_type == IcmpErrorType::time_exceeded));
  BOOST_TEST(format_address(m.error_from) == "198.18.1.2");
  BOOST_TEST(!m.mtu);
  auto frag = fake::icmp4_error(3, 4, request, "198.18.0.1", "198.18.0.2", request.size());
  fake::put16(frag, 6, 1400);
  fake::fix_checksum(frag);
  m = raw4(frag, "198.18.1.2");
  BOOST_TEST((m.error_type == IcmpErrorType::packet_too_big));
  BOOST_TEST(m.mtu.value_or(0) == 1400u);
  // IPv6: the sender is the datagram's peer too.
  const auto request6 = send(v6);
  const auto error6 = fake::icmp6_error(3, 0, request6, "fd00::1", "fd00::2", request6.size());
  Datagram d;
  d.bytes = error6;
  d.peer = fake::address("fd00:1::2");
  m = match_message(seed, Family::v6, 1, SocketKind::raw, d, ledger);
  BOOST_TEST((m.verdict == Verdict::error));
  BOOST_TEST((m.error_type == IcmpErrorType::time_exceeded));
  BOOST_TEST(format_address(m.error_from) == "fd00:1::2");
}

BOOST_AUTO_TEST_CASE(error_queue_entry_says_the_type_and_the_offender) {
  const auto request = send(a);
  Datagram d;
  d.bytes = request;
  d.peer = fake::address("198.18.0.2");
  d.from_error_queue = true;
  QueuedError e;
  e.origin = QueuedError::Origin::icmp;
  e.type = 3;
  e.code = 4;
  e.info = 1400;
  e.offender = fake::address("198.18.1.2");
  d.error = e;
  Match m = match_message(seed, Family::v4, 0, SocketKind::datagram, d, ledger);
  BOOST_TEST((m.verdict == Verdict::error));
  BOOST_TEST((m.error_type == IcmpErrorType::packet_too_big));
  BOOST_TEST(format_address(m.error_from) == "198.18.1.2");
  BOOST_TEST(m.mtu.value_or(0) == 1400u);
  // A local failure (no ICMP message): type other, nobody sent it.
  e.origin = QueuedError::Origin::local;
  e.offender = SocketAddress{};
  d.error = e;
  m = match_message(seed, Family::v4, 0, SocketKind::datagram, d, ledger);
  BOOST_TEST((m.verdict == Verdict::error));
  BOOST_TEST((m.error_type == IcmpErrorType::other));
  BOOST_TEST(m.error_from.base.sa_family == AF_UNSPEC);
  BOOST_TEST(!m.mtu);
}

BOOST_AUTO_TEST_SUITE_END()
