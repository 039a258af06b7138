// SPDX-License-Identifier: MIT
#include "icmp_packet.h"

#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace netprom {

namespace {

constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kIpv6Header = 40;

std::uint8_t byte_at(std::span<const std::byte> b, std::size_t i) { return std::to_integer<std::uint8_t>(b[i]); }

std::uint16_t be16_at(std::span<const std::byte> b, std::size_t i) {
  return static_cast<std::uint16_t>((byte_at(b, i) << 8) | byte_at(b, i + 1));
}

void put_be16(std::span<std::byte> b, std::size_t i, std::uint16_t v) {
  b[i] = static_cast<std::byte>(v >> 8);
  b[i + 1] = static_cast<std::byte>(v & 0xff);
}

std::byte fill_byte(std::uint32_t index, std::size_t offset) {
  return static_cast<std::byte>((index * 31u + static_cast<std::uint32_t>(offset)) & 0xffu);
}

IcmpEcho parse_echo(std::span<const std::byte> icmp) {
  IcmpEcho echo;
  echo.identifier = be16_at(icmp, 4);
  echo.sequence = be16_at(icmp, 6);
  echo.payload = icmp.subspan(kIcmpHeaderSize);
  return echo;
}

// The quoted original packet of an ICMP error: its IP header and at least the 8-byte echo
// header (RFC 792 guarantees 8 bytes; Linux quotes up to 576 bytes in all, so our payload
// is usually there too). Anything that is not one of our echo requests is "other".
void parse_quoted(Family family, std::span<const std::byte> quoted, IcmpMessage& message) {
  std::span<const std::byte> icmp;
  if (family == Family::v4) {
    if (quoted.size() < kIpv4MinHeader || (byte_at(quoted, 0) >> 4) != 4) return;
    const std::size_t ihl = static_cast<std::size_t>(byte_at(quoted, 0) & 0x0f) * 4;
    if (ihl < kIpv4MinHeader || quoted.size() < ihl + kIcmpHeaderSize) return;
    if (byte_at(quoted, 9) != IPPROTO_ICMP) return;
    std::memcpy(message.quoted_destination.data(), quoted.data() + 16, 4);
    icmp = quoted.subspan(ihl);
    if (byte_at(icmp, 0) != ICMP_ECHO) return;
  } else {
    // Our requests carry no extension headers, so the next header is ICMPv6 directly.
    if (quoted.size() < kIpv6Header + kIcmpHeaderSize || (byte_at(quoted, 0) >> 4) != 6) return;
    if (byte_at(quoted, 6) != IPPROTO_ICMPV6) return;
    std::memcpy(message.quoted_destination.data(), quoted.data() + 24, 16);
    icmp = quoted.subspan(kIpv6Header);
    if (byte_at(icmp, 0) != ICMP6_ECHO_REQUEST) return;
  }
  message.kind = IcmpKind::error;
  message.echo = parse_echo(icmp);
}

}  // namespace

std::uint16_t internet_checksum(std::span<const std::byte> bytes) {
  // RFC 1071 sum of 16-bit words, eight bytes at a time. One's complement addition does not
  // care about byte order (RFC 1071 section 2(B)): the words are summed in the machine's
  // order and the result is turned to network order at the end.
  std::uint64_t sum = 0;
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    sum += (word & 0xffffffffu) + (word >> 32);  // at most 2^33 per step: no overflow below 2^31 steps
  }
  for (; i + 2 <= bytes.size(); i += 2) {
    std::uint16_t word;
    std::memcpy(&word, bytes.data() + i, 2);
    sum += word;
  }
  if (i < bytes.size()) {  // an odd last byte is the high byte of a word padded with zero
    const std::byte pad[2] = {bytes[i], std::byte{0}};
    std::uint16_t word;
    std::memcpy(&word, pad, 2);
    sum += word;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  auto folded = static_cast<std::uint16_t>(~sum & 0xffff);
  if constexpr (std::endian::native == std::endian::little) folded = static_cast<std::uint16_t>((folded >> 8) | (folded << 8));
  return folded;
}

namespace {

// Network byte order for the nonce and index: one swap instead of a loop of shifts.
template <typename T>
T to_big_endian(T v) {
  if constexpr (std::endian::native == std::endian::big) return v;
  if constexpr (sizeof(T) == 8) return __builtin_bswap64(v);
  else return __builtin_bswap32(v);
}

// The fill after the nonce and index is a byte ramp, fill_byte(index, offset) for each
// offset, so a run of up to 256 of its bytes is a slice of this table starting at the first
// one's value: the payload is written and checked with memcpy and memcmp, not byte by byte.
constexpr std::array<std::byte, 512> kRamp = [] {
  std::array<std::byte, 512> ramp{};
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<std::byte>(i & 0xff);
  return ramp;
}();

// Calls f(offset, expected bytes) for consecutive pieces of the fill of a payload of `size`.
template <typename F>
void for_each_fill_piece(std::uint32_t index, std::size_t size, F f) {
  for (std::size_t i = kMinPayloadSize; i < size;) {
    const std::size_t n = std::min<std::size_t>(256, size - i);
    f(i, std::span<const std::byte>(kRamp.data() + std::to_integer<std::size_t>(fill_byte(index, i)), n));
    i += n;
  }
}

}  // namespace

void render_probe_payload(std::span<std::byte> out, std::uint64_t nonce, std::uint32_t index) {
  if (out.size() < kMinPayloadSize) throw std::length_error("ICMP payload too small for the probe");
  const std::uint64_t nonce_be = to_big_endian(nonce);
  const std::uint32_t index_be = to_big_endian(index);
  std::memcpy(out.data(), &nonce_be, 8);
  std::memcpy(out.data() + 8, &index_be, 4);
  for_each_fill_piece(index, out.size(), [out](std::size_t at, std::span<const std::byte> fill) {
    std::memcpy(out.data() + at, fill.data(), fill.size());
  });
}

std::optional<ProbePayload> parse_probe_payload(std::span<const std::byte> payload,
                                                std::size_t expected_size) {
  if (payload.size() < kMinPayloadSize) return std::nullopt;
  ProbePayload probe;
  std::memcpy(&probe.nonce, payload.data(), 8);
  std::memcpy(&probe.index, payload.data() + 8, 4);
  probe.nonce = to_big_endian(probe.nonce);  // the same swap both ways
  probe.index = to_big_endian(probe.index);
  probe.intact = payload.size() == expected_size;
  if (probe.intact) {
    for_each_fill_piece(probe.index, payload.size(), [&](std::size_t at, std::span<const std::byte> fill) {
      probe.intact = probe.intact && std::memcmp(payload.data() + at, fill.data(), fill.size()) == 0;
    });
  }
  return probe;
}

std::size_t render_echo_request(std::span<std::byte> out, Family family, std::uint16_t identifier,
                                std::uint16_t sequence, std::uint64_t nonce, std::uint32_t index,
                                std::size_t payload_size) {
  const std::size_t length = kIcmpHeaderSize + payload_size;
  if (payload_size < kMinPayloadSize || out.size() < length) {
    throw std::length_error("ICMP echo request does not fit its buffer");
  }
  std::span<std::byte> packet = out.first(length);
  packet[0] = static_cast<std::byte>(family == Family::v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO);
  packet[1] = std::byte{0};
  put_be16(packet, 2, 0);
  put_be16(packet, 4, identifier);
  put_be16(packet, 6, sequence);
  render_probe_payload(packet.subspan(kIcmpHeaderSize), nonce, index);
  if (family != Family::v6) put_be16(packet, 2, internet_checksum(packet));
  return length;
}

std::optional<IcmpMessage> parse_icmp_message(IcmpWire wire, std::span<const std::byte> bytes) {
  std::span<const std::byte> icmp = bytes;
  IcmpMessage message;
  if (wire == IcmpWire::ipv4_raw) {
    // Raw IPv4 sockets deliver the IP header; its length is ihl * 4 bytes (options included).
    if (bytes.size() < kIpv4MinHeader || (byte_at(bytes, 0) >> 4) != 4) return std::nullopt;
    const std::size_t ihl = static_cast<std::size_t>(byte_at(bytes, 0) & 0x0f) * 4;
    const std::size_t total = be16_at(bytes, 2);
    if (ihl < kIpv4MinHeader || total < ihl || total > bytes.size()) return std::nullopt;
    icmp = bytes.subspan(ihl, total - ihl);
  }
  if (icmp.size() < kIcmpHeaderSize) return std::nullopt;
  // Raw IPv4 sockets get a copy of every ICMP packet before icmp_rcv() validates it, so the
  // checksum is ours to verify. Ping sockets and raw ICMPv6 sockets only see verified packets.
  if (wire == IcmpWire::ipv4_raw) message.checksum_ok = internet_checksum(icmp) == 0;
  message.type = byte_at(icmp, 0);
  message.code = byte_at(icmp, 1);
  if (wire == IcmpWire::ipv6) {
    switch (message.type) {
      case ICMP6_ECHO_REPLY: message.kind = IcmpKind::echo_reply; break;
      case ICMP6_ECHO_REQUEST: message.kind = IcmpKind::echo_request; break;
      case ICMP6_DST_UNREACH:
      case ICMP6_PACKET_TOO_BIG:
      case ICMP6_TIME_EXCEEDED:
      case ICMP6_PARAM_PROB:
        parse_quoted(Family::v6, icmp.subspan(kIcmpHeaderSize), message);
        return message;
      default: return message;
    }
  } else {
    switch (message.type) {
      case ICMP_ECHOREPLY: message.kind = IcmpKind::echo_reply; break;
      case ICMP_ECHO: message.kind = IcmpKind::echo_request; break;
      case ICMP_DEST_UNREACH:
      case ICMP_TIME_EXCEEDED:
      case ICMP_PARAMETERPROB:
        parse_quoted(Family::v4, icmp.subspan(kIcmpHeaderSize), message);
        return message;
      default: return message;
    }
  }
  message.echo = parse_echo(icmp);
  return message;
}

}  // namespace netprom
