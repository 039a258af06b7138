// SPDX-License-Identifier: MIT
// libFuzzer target: every parse_* function of icmp_packet.h over arbitrary bytes.
// Input layout: byte 0 picks the socket kind (IcmpWire, modulo 3), bytes 1-2 are the payload size
// the pinger expects (big endian), the rest is the datagram as that socket would deliver it.
// The same leading bytes also drive a render_echo_request() -> parse_icmp_message() round trip.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz_check.h"
#include "icmp_packet.h"

using netprom::fuzz::check;
using netprom::fuzz::within;

namespace {

constexpr std::size_t kPrefix = 3;

std::uint64_t read_be(std::span<const std::byte> bytes, std::size_t offset, std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t at = offset + i;
    value = (value << 8) | (at < bytes.size() ? std::to_integer<std::uint64_t>(bytes[at]) : 0);
  }
  return value;
}

void check_parse(netprom::IcmpWire wire, std::span<const std::byte> packet, std::size_t expected_size) {
  std::optional<netprom::IcmpMessage> message = netprom::parse_icmp_message(wire, packet);
  if (!message) return;
  const bool v6 = wire == netprom::IcmpWire::ipv6;
  check(within(message->echo.payload, packet), "echo payload points outside the packet");
  if (wire != netprom::IcmpWire::ipv4_raw) check(message->checksum_ok, "checksum_ok false off a raw socket");
  if (wire == netprom::IcmpWire::ipv4_raw) check((std::to_integer<int>(packet[0]) >> 4) == 4, "raw packet is not IPv4");
  switch (message->kind) {
    case netprom::IcmpKind::echo_reply:
      check(message->type == (v6 ? 129 : 0), "echo reply of another type");
      break;
    case netprom::IcmpKind::echo_request:
      check(message->type == (v6 ? 128 : 8), "echo request of another type");
      break;
    case netprom::IcmpKind::error:
      check(v6 ? (message->type >= 1 && message->type <= 4)
               : (message->type == 3 || message->type == 11 || message->type == 12),
            "error of a non-error type");
      break;
    case netprom::IcmpKind::other:
      break;
  }
  if ((message->kind == netprom::IcmpKind::echo_reply || message->kind == netprom::IcmpKind::echo_request) &&
      wire != netprom::IcmpWire::ipv4_raw)
    check(message->echo.payload.size() + netprom::kIcmpHeaderSize == packet.size(), "echo payload size");

  std::optional<netprom::ProbePayload> probe = netprom::parse_probe_payload(message->echo.payload, expected_size);
  check(probe.has_value() == (message->echo.payload.size() >= netprom::kMinPayloadSize), "probe presence");
  if (probe && probe->intact) check(message->echo.payload.size() == expected_size, "intact probe of another size");
}

// Builds a request from the input's leading bytes and checks that it parses back as sent,
// as a datagram socket and (IPv4) wrapped in an IP header as a raw socket sees it.
void check_round_trip(std::span<const std::byte> input) {
  const bool v6 = (read_be(input, 0, 1) & 1) != 0;
  const auto identifier = static_cast<std::uint16_t>(read_be(input, 1, 2));
  const auto sequence = static_cast<std::uint16_t>(read_be(input, 3, 2));
  const std::uint64_t nonce = read_be(input, 5, 8);
  const auto index = static_cast<std::uint32_t>(read_be(input, 13, 4));
  const std::size_t payload_size = netprom::kMinPayloadSize + read_be(input, 17, 2) % 1024;

  constexpr std::size_t kIpHeader = 20;
  std::vector<std::byte> buffer(kIpHeader + netprom::kIcmpHeaderSize + payload_size);
  std::span<std::byte> icmp = std::span(buffer).subspan(kIpHeader);
  const std::size_t length = netprom::render_echo_request(icmp, v6 ? netprom::Family::v6 : netprom::Family::v4,
                                                          identifier, sequence, nonce, index, payload_size);
  check(length == icmp.size(), "request length");
  if (!v6) check(netprom::internet_checksum(icmp) == 0, "request checksum");

  auto expect_request = [&](const std::optional<netprom::IcmpMessage>& m) {
    check(m.has_value(), "own request does not parse");
    check(m->kind == netprom::IcmpKind::echo_request, "own request kind");
    check(m->checksum_ok, "own request checksum");
    check(m->echo.identifier == identifier && m->echo.sequence == sequence, "own request id/seq");
    std::optional<netprom::ProbePayload> probe = netprom::parse_probe_payload(m->echo.payload, payload_size);
    check(probe && probe->intact && probe->nonce == nonce && probe->index == index, "own probe payload");
  };
  expect_request(netprom::parse_icmp_message(v6 ? netprom::IcmpWire::ipv6 : netprom::IcmpWire::ipv4_datagram, icmp));
  if (v6) return;
  const std::size_t total = buffer.size();
  buffer[0] = std::byte{0x45};
  buffer[2] = static_cast<std::byte>(total >> 8);
  buffer[3] = static_cast<std::byte>(total & 0xff);
  buffer[9] = std::byte{1};  // IPPROTO_ICMP
  expect_request(netprom::parse_icmp_message(netprom::IcmpWire::ipv4_raw, buffer));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> input = netprom::fuzz::as_bytes(data, size);
  if (input.size() < kPrefix) return 0;
  constexpr std::array kWires = {netprom::IcmpWire::ipv4_raw, netprom::IcmpWire::ipv4_datagram,
                                 netprom::IcmpWire::ipv6};
  const netprom::IcmpWire wire = kWires[std::to_integer<std::size_t>(input[0]) % kWires.size()];
  const std::size_t expected_size = read_be(input, 1, 2);

  // Exactly-sized heap copy so that AddressSanitizer sees any read past the datagram.
  std::vector<std::byte> packet(input.begin() + kPrefix, input.end());
  check_parse(wire, packet, expected_size);
  (void)netprom::internet_checksum(packet);
  check_round_trip(input);
  return 0;
}
