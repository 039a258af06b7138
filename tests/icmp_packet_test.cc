// SPDX-License-Identifier: MIT
#include "icmp_packet.h"

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <vector>

#include "fake_network.h"

using namespace netprom;
using netprom::fake::get16;

namespace {

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

std::vector<std::byte> request(Family family, std::uint16_t id, std::uint16_t seq, std::uint32_t index,
                               std::size_t size = 56) {
  std::vector<std::byte> buffer(kIcmpHeaderSize + size);
  const std::size_t n = render_echo_request(buffer, family, id, seq, 0x1122334455667788, index, size);
  BOOST_TEST(n == buffer.size());
  return buffer;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(icmp_packet)

BOOST_AUTO_TEST_CASE(checksum_matches_rfc1071_example) {
  // RFC 1071 section 3: the one's complement sum of these words is 0xddf2.
  BOOST_TEST(internet_checksum(bytes({0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7})) == 0x220d);
  BOOST_TEST(internet_checksum(bytes({0x00, 0x01, 0xf2})) == static_cast<std::uint16_t>(~(0x0001 + 0xf200) & 0xffff));
}

BOOST_AUTO_TEST_CASE(checksum_equals_the_word_by_word_definition_for_every_length) {
  // internet_checksum() sums eight bytes at a time in machine order; the definition sums
  // big-endian 16-bit words, an odd last byte padded with zero. Every length from 0 to 300
  // (all alignments of the 8-byte, 2-byte and odd tails) over bytes that carry a lot.
  auto by_definition = [](std::span<const std::byte> b) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < b.size(); i += 2)
      sum += (std::to_integer<std::uint64_t>(b[i]) << 8) + (i + 1 < b.size() ? std::to_integer<std::uint64_t>(b[i + 1]) : 0);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
  };
  std::vector<std::byte> data(300);
  std::uint32_t x = 12345;
  for (std::byte& b : data) {
    x = x * 1103515245u + 12345u;
    b = static_cast<std::byte>(0x80 | (x >> 24));  // high bytes: many carries to fold
  }
  for (std::size_t n = 0; n <= data.size(); ++n) {
    const std::span<const std::byte> piece(data.data(), n);
    BOOST_TEST(internet_checksum(piece) == by_definition(piece), "length " << n);
  }
  const std::vector<std::byte> ones(65536, std::byte{0xff});
  BOOST_TEST(internet_checksum(ones) == by_definition(ones));
}

BOOST_AUTO_TEST_CASE(ipv4_echo_request_has_header_fields_and_valid_checksum) {
  const auto packet = request(Family::v4, 0xbeef, 0x1234, 7);
  BOOST_TEST(std::to_integer<int>(packet[0]) == 8);
  BOOST_TEST(std::to_integer<int>(packet[1]) == 0);
  BOOST_TEST(get16(packet, 4) == 0xbeef);
  BOOST_TEST(get16(packet, 6) == 0x1234);
  BOOST_TEST(internet_checksum(packet) == 0);
}

BOOST_AUTO_TEST_CASE(ipv6_echo_request_leaves_checksum_to_kernel) {
  const auto packet = request(Family::v6, 1, 2, 3);
  BOOST_TEST(std::to_integer<int>(packet[0]) == 128);
  BOOST_TEST(get16(packet, 2) == 0);
}

BOOST_AUTO_TEST_CASE(probe_payload_round_trips_nonce_and_index) {
  std::vector<std::byte> payload(40);
  render_probe_payload(payload, 0xdeadbeefcafef00d, 0xfffffffe);
  const auto probe = parse_probe_payload(payload, 40);
  BOOST_REQUIRE(probe);
  BOOST_TEST(probe->nonce == 0xdeadbeefcafef00dULL);
  BOOST_TEST(probe->index == 0xfffffffeU);
  BOOST_TEST(probe->intact);
}

BOOST_AUTO_TEST_CASE(mangled_fill_or_wrong_length_is_not_intact) {
  std::vector<std::byte> payload(40);
  render_probe_payload(payload, 1, 2);
  payload[39] ^= std::byte{0x01};
  BOOST_TEST(!parse_probe_payload(payload, 40)->intact);
  payload[39] ^= std::byte{0x01};
  BOOST_TEST(!parse_probe_payload(std::span(payload).first(39), 40)->intact);
  BOOST_TEST(parse_probe_payload(payload, 40)->intact);
}

BOOST_AUTO_TEST_CASE(fill_is_the_byte_ramp_at_every_offset_of_large_payloads) {
  // The fill is written and checked in pieces of up to 256 bytes; payloads of several pieces
  // must hold (index * 31 + offset) mod 256 at every offset, and a change anywhere, in the
  // first, a middle or the last piece, must make the probe not intact.
  for (const std::size_t size : {std::size_t{13}, std::size_t{268}, std::size_t{269}, std::size_t{1000},
                                 kMaxPayloadSize}) {
    for (const std::uint32_t index : {0u, 1u, 9u, 0xffffffffu}) {
      std::vector<std::byte> payload(size);
      render_probe_payload(payload, 7, index);
      for (std::size_t i = kMinPayloadSize; i < size; ++i)
        BOOST_TEST_REQUIRE(std::to_integer<std::uint32_t>(payload[i]) == ((index * 31u + i) & 0xffu),
                           "size " << size << " index " << index << " offset " << i);
      BOOST_TEST(parse_probe_payload(payload, size)->intact);
      for (const std::size_t at : {kMinPayloadSize, kMinPayloadSize + 255, kMinPayloadSize + 256, size / 2, size - 1}) {
        if (at < kMinPayloadSize || at >= size) continue;
        payload[at] ^= std::byte{0x40};
        BOOST_TEST(!parse_probe_payload(payload, size)->intact, "size " << size << " changed at " << at);
        payload[at] ^= std::byte{0x40};
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(payload_shorter_than_nonce_and_index_is_rejected) {
  std::vector<std::byte> payload(12);
  render_probe_payload(payload, 1, 2);
  BOOST_TEST(!parse_probe_payload(std::span(payload).first(11), 12));
  BOOST_TEST(parse_probe_payload(payload, 12)->intact);
  std::vector<std::byte> small(11);
  BOOST_CHECK_THROW(render_probe_payload(small, 1, 2), std::length_error);
  std::vector<std::byte> buffer(100);
  BOOST_CHECK_THROW(render_echo_request(buffer, Family::v4, 1, 1, 1, 1, 11), std::length_error);
  BOOST_CHECK_THROW(render_echo_request(buffer, Family::v4, 1, 1, 1, 1, 93), std::length_error);
}

BOOST_AUTO_TEST_CASE(raw_ipv4_reply_skips_ip_header_including_options) {
  for (const std::size_t options : {std::size_t{0}, std::size_t{4}, std::size_t{40}}) {
    const auto reply = fake::echo_reply(request(Family::v4, 0xbeef, 9, 77), Family::v4);
    const auto packet = fake::with_ipv4_header(reply, "198.18.0.2", "198.18.0.1", options);
    const auto message = parse_icmp_message(IcmpWire::ipv4_raw, packet);
    BOOST_REQUIRE(message);
    BOOST_TEST((message->kind == IcmpKind::echo_reply));
    BOOST_TEST(message->checksum_ok);
    BOOST_TEST(message->echo.identifier == 0xbeef);
    BOOST_TEST(message->echo.sequence == 9);
    BOOST_TEST(message->echo.payload.size() == 56u);
    BOOST_TEST(parse_probe_payload(message->echo.payload, 56)->index == 77u);
  }
}

BOOST_AUTO_TEST_CASE(raw_ipv4_reply_with_bad_checksum_is_flagged) {
  auto reply = fake::echo_reply(request(Family::v4, 1, 2, 3), Family::v4);
  reply[20] ^= std::byte{0x40};
  const auto packet = fake::with_ipv4_header(reply, "127.0.0.1", "127.0.0.1");
  const auto message = parse_icmp_message(IcmpWire::ipv4_raw, packet);
  BOOST_REQUIRE(message);
  BOOST_TEST(!message->checksum_ok);
}

BOOST_AUTO_TEST_CASE(datagram_ipv4_reply_starts_at_icmp_header) {
  const auto reply = fake::echo_reply(request(Family::v4, 5, 6, 7), Family::v4);
  const auto message = parse_icmp_message(IcmpWire::ipv4_datagram, reply);
  BOOST_REQUIRE(message);
  BOOST_TEST((message->kind == IcmpKind::echo_reply));
  BOOST_TEST(message->echo.sequence == 6);
  // The same bytes read as a raw packet are not an IPv4 header (version 0).
  BOOST_TEST(!parse_icmp_message(IcmpWire::ipv4_raw, reply));
}

BOOST_AUTO_TEST_CASE(ipv6_reply_is_parsed) {
  const auto reply = fake::echo_reply(request(Family::v6, 5, 0xffff, 8), Family::v6);
  const auto message = parse_icmp_message(IcmpWire::ipv6, reply);
  BOOST_REQUIRE(message);
  BOOST_TEST((message->kind == IcmpKind::echo_reply));
  BOOST_TEST(message->echo.sequence == 0xffff);
  BOOST_TEST(parse_probe_payload(message->echo.payload, 56)->index == 8u);
}

BOOST_AUTO_TEST_CASE(ipv4_unreachable_quotes_destination_and_request) {
  const auto sent = request(Family::v4, 0xbeef, 42, 1234);
  const auto error = fake::icmp4_error(3, 1, sent, "198.18.0.1", "198.18.0.9", sent.size());
  const auto packet = fake::with_ipv4_header(error, "198.18.0.254", "198.18.0.1");
  const auto message = parse_icmp_message(IcmpWire::ipv4_raw, packet);  // spans point into packet
  BOOST_REQUIRE(message);
  BOOST_TEST((message->kind == IcmpKind::error));
  BOOST_TEST(message->type == 3);
  BOOST_TEST(message->code == 1);
  BOOST_TEST(message->checksum_ok);
  BOOST_TEST(message->echo.identifier == 0xbeef);
  BOOST_TEST(message->echo.sequence == 42);
  BOOST_TEST(parse_probe_payload(message->echo.payload, 56)->index == 1234u);
  const std::array<std::uint8_t, 4> expected{198, 18, 0, 9};
  BOOST_TEST(std::equal(expected.begin(), expected.end(), message->quoted_destination.begin()));
}

BOOST_AUTO_TEST_CASE(time_exceeded_quoting_only_the_echo_header_has_empty_payload) {
  const auto sent = request(Family::v4, 7, 8, 9);
  const auto error = fake::icmp4_error(11, 0, sent, "198.18.0.1", "198.18.0.9", 8);
  const auto message = parse_icmp_message(IcmpWire::ipv4_datagram, error);
  BOOST_REQUIRE(message);
  BOOST_TEST((message->kind == IcmpKind::error));
  BOOST_TEST(message->echo.sequence == 8);
  BOOST_TEST(message->echo.payload.empty());
  // Quoting fewer than the 8 echo header bytes is not attributable.
  const auto short_error = fake::icmp4_error(11, 0, sent, "198.18.0.1", "198.18.0.9", 7);
  BOOST_TEST((parse_icmp_message(IcmpWire::ipv4_datagram, short_error)->kind == IcmpKind::other));
}

BOOST_AUTO_TEST_CASE(ipv6_time_exceeded_quotes_destination_and_request) {
  const auto sent = request(Family::v6, 1, 300, 65537);
  const auto error = fake::icmp6_error(3, 0, sent, "fd00::1", "fd00::9", sent.size());
  const auto message = parse_icmp_message(IcmpWire::ipv6, error);
  BOOST_REQUIRE(message);
  BOOST_TEST((message->kind == IcmpKind::error));
  BOOST_TEST(message->echo.sequence == 300);
  BOOST_TEST(parse_probe_payload(message->echo.payload, 56)->index == 65537u);
  BOOST_TEST(message->quoted_destination[0] == 0xfd);
  BOOST_TEST(message->quoted_destination[15] == 9);
}

BOOST_AUTO_TEST_CASE(error_quoting_something_other_than_echo_request_is_other) {
  auto sent = request(Family::v6, 1, 2, 3);
  sent[0] = std::byte{129};  // quotes a reply, not a request
  BOOST_TEST((parse_icmp_message(IcmpWire::ipv6, fake::icmp6_error(1, 4, sent, "fd00::1", "fd00::9", 64))->kind ==
              IcmpKind::other));
  const auto redirect = bytes({5, 1, 0, 0, 0, 0, 0, 0});
  BOOST_TEST((parse_icmp_message(IcmpWire::ipv4_datagram, redirect)->kind == IcmpKind::other));
}

BOOST_AUTO_TEST_CASE(every_truncation_is_rejected_or_parsed_safely) {
  const auto sent = request(Family::v4, 0xbeef, 42, 1234);
  const std::vector<std::vector<std::byte>> packets{
      fake::with_ipv4_header(fake::echo_reply(sent, Family::v4), "198.18.0.2", "198.18.0.1"),
      fake::with_ipv4_header(fake::icmp4_error(3, 1, sent, "198.18.0.1", "198.18.0.9", sent.size()), "198.18.0.254",
                             "198.18.0.1")};
  for (const auto& packet : packets) {
    for (std::size_t n = 0; n < packet.size(); ++n) {
      // A raw packet shorter than its IP total length is truncated: rejected, never read past.
      BOOST_TEST(!parse_icmp_message(IcmpWire::ipv4_raw, std::span(packet).first(n)));
    }
  }
  const auto v6 = fake::icmp6_error(1, 0, request(Family::v6, 1, 2, 3), "fd00::1", "fd00::9", 64);
  for (std::size_t n = 0; n < v6.size(); ++n) {
    const auto message = parse_icmp_message(IcmpWire::ipv6, std::span(v6).first(n));
    if (n < 8) {
      BOOST_TEST(!message);
    } else {
      BOOST_REQUIRE(message);
      // Attributable only once the quoted IPv6 header and 8 echo bytes are present.
      BOOST_TEST((message->kind == IcmpKind::error) == (n >= 8 + 40 + 8));
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_ipv4_header_is_rejected) {
  auto packet = fake::with_ipv4_header(fake::echo_reply(request(Family::v4, 1, 2, 3), Family::v4), "127.0.0.1", "127.0.0.1");
  auto wrong_version = packet;
  wrong_version[0] = std::byte{0x65};
  BOOST_TEST(!parse_icmp_message(IcmpWire::ipv4_raw, wrong_version));
  auto short_ihl = packet;
  short_ihl[0] = std::byte{0x44};
  BOOST_TEST(!parse_icmp_message(IcmpWire::ipv4_raw, short_ihl));
  auto long_total = packet;
  fake::put16(long_total, 2, static_cast<std::uint16_t>(packet.size() + 1));
  BOOST_TEST(!parse_icmp_message(IcmpWire::ipv4_raw, long_total));
}

BOOST_AUTO_TEST_CASE(error_types_read_the_same_for_ipv4_and_ipv6) {
  using T = IcmpErrorType;
  BOOST_TEST((classify_icmp_error(Family::v4, 3, 1) == T::destination_unreachable));
  BOOST_TEST((classify_icmp_error(Family::v4, 3, 4) == T::packet_too_big));  // fragmentation needed
  BOOST_TEST((classify_icmp_error(Family::v4, 11, 0) == T::time_exceeded));
  BOOST_TEST((classify_icmp_error(Family::v4, 12, 0) == T::parameter_problem));
  BOOST_TEST((classify_icmp_error(Family::v4, 4, 0) == T::other));  // source quench
  BOOST_TEST((classify_icmp_error(Family::v6, 1, 3) == T::destination_unreachable));
  BOOST_TEST((classify_icmp_error(Family::v6, 2, 0) == T::packet_too_big));
  BOOST_TEST((classify_icmp_error(Family::v6, 3, 0) == T::time_exceeded));
  BOOST_TEST((classify_icmp_error(Family::v6, 4, 1) == T::parameter_problem));
  BOOST_TEST((classify_icmp_error(Family::v6, 137, 0) == T::other));  // redirect
  BOOST_TEST(icmp_error_type_name(T::destination_unreachable) == "destination_unreachable");
  BOOST_TEST(icmp_error_type_name(T::time_exceeded) == "time_exceeded");
  BOOST_TEST(icmp_error_type_name(T::packet_too_big) == "packet_too_big");
  BOOST_TEST(icmp_error_type_name(T::parameter_problem) == "parameter_problem");
  BOOST_TEST(icmp_error_type_name(T::other) == "other");
}

BOOST_AUTO_TEST_CASE(too_big_errors_carry_the_next_hop_mtu) {
  const auto sent4 = request(Family::v4, 7, 8, 9);
  auto frag = fake::icmp4_error(3, 4, sent4, "198.18.0.1", "198.18.0.9", sent4.size());
  fake::put16(frag, 6, 1400);
  fake::fix_checksum(frag);
  auto message = parse_icmp_message(IcmpWire::ipv4_datagram, frag);
  BOOST_REQUIRE(message);
  BOOST_TEST((message->kind == IcmpKind::error));
  BOOST_TEST(message->mtu.value_or(0) == 1400u);
  // Host unreachable has no MTU, even with bytes in that place.
  auto unreachable = fake::icmp4_error(3, 1, sent4, "198.18.0.1", "198.18.0.9", sent4.size());
  fake::put16(unreachable, 6, 1400);
  fake::fix_checksum(unreachable);
  BOOST_TEST(!parse_icmp_message(IcmpWire::ipv4_datagram, unreachable)->mtu);
  const auto sent6 = request(Family::v6, 1, 2, 3);
  auto too_big = fake::icmp6_error(2, 0, sent6, "fd00::1", "fd00::9", sent6.size());
  fake::put16(too_big, 4, 0x0001);  // 32-bit MTU: 0x00010578 = 66936 (a jumbo link)
  fake::put16(too_big, 6, 0x0578);
  message = parse_icmp_message(IcmpWire::ipv6, too_big);
  BOOST_REQUIRE(message);
  BOOST_TEST((message->kind == IcmpKind::error));
  BOOST_TEST(message->mtu.value_or(0) == 66936u);
}

BOOST_AUTO_TEST_SUITE_END()
