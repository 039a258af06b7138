// SPDX-License-Identifier: MIT
// ICMP and ICMPv6 echo packets: building requests and parsing what a socket hands back.
// Pure functions over bytes; every field access is preceded by a length check.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "family.h"

namespace netprom {

/// Bytes of an ICMP or ICMPv6 echo header (type, code, checksum, identifier, sequence).
inline constexpr std::size_t kIcmpHeaderSize = 8;
/// Smallest usable payload (-s): the 8-byte run nonce plus the 4-byte request index.
inline constexpr std::size_t kMinPayloadSize = 12;
/// Largest payload (-s): 20 (IPv4 header) + 8 + 65500 fits the 65535-byte IPv4 limit, and the
/// same payload fits IPv6's 65535-byte payload length.
inline constexpr std::size_t kMaxPayloadSize = 65500;

/// How a socket delivers ICMP: raw IPv4 sockets include the IP header, IPv4 datagram
/// ("ping") sockets and all IPv6 sockets start at the ICMP header.
enum class IcmpWire { ipv4_raw, ipv4_datagram, ipv6 };

/// The RFC 1071 Internet checksum of `bytes` (an odd length is padded with a zero byte), in
/// network byte order as stored in the header. Over a packet with a correct checksum it is 0.
std::uint16_t internet_checksum(std::span<const std::byte> bytes);

/// Writes an echo request (type 8 for IPv4, 128 for IPv6) with a probe payload of
/// `payload_size` bytes (see render_probe_payload) into the front of `out` and returns its
/// length, kIcmpHeaderSize + payload_size. The IPv4 checksum is computed; the IPv6 one is
/// left 0 because the kernel computes it (it covers a pseudo-header this code cannot see).
/// Throws std::length_error when `out` is too small or payload_size < kMinPayloadSize.
std::size_t render_echo_request(std::span<std::byte> out, Family family, std::uint16_t identifier,
                                std::uint16_t sequence, std::uint64_t nonce, std::uint32_t index,
                                std::size_t payload_size);

/// Fills `out` with the probe payload: the run nonce (8 bytes), the request index (4 bytes,
/// big endian), then a fill pattern derived from the index so that a mangled payload is told
/// apart from an intact one. Throws std::length_error when out.size() < kMinPayloadSize.
void render_probe_payload(std::span<std::byte> out, std::uint64_t nonce, std::uint32_t index);

/// What a probe payload says about itself.
struct ProbePayload {
  std::uint64_t nonce = 0;
  std::uint32_t index = 0;
  bool intact = false;  ///< length == expected size and the fill pattern is unchanged
};

/// Reads nonce and index from a payload. nullopt when it is too short to hold them.
/// `expected_size` is the payload size that was sent; `intact` checks length and fill.
std::optional<ProbePayload> parse_probe_payload(std::span<const std::byte> payload,
                                                std::size_t expected_size);

/// The kinds of ICMP message the pinger cares about.
enum class IcmpKind {
  echo_reply,    ///< type 0 / 129
  echo_request,  ///< type 8 / 128 (what an IP_RECVERR error queue entry carries)
  error,         ///< unreachable, time exceeded, parameter problem (IPv6: also too big)
                 ///< quoting one of our echo requests
  other,         ///< anything else, including errors that quote something else
};

/// The identifier, sequence and payload of an echo message.
struct IcmpEcho {
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::span<const std::byte> payload;  ///< points into the parsed bytes
};

/// A parsed ICMP message.
struct IcmpMessage {
  IcmpKind kind = IcmpKind::other;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  /// False only for a raw IPv4 packet whose checksum does not verify; datagram sockets and
  /// IPv6 sockets never deliver such packets because the kernel checks them first.
  bool checksum_ok = true;
  /// echo_reply / echo_request: the message itself. error: the quoted echo request, whose
  /// payload is empty or short when the sender quoted only the 8-byte header.
  IcmpEcho echo;
  /// error: the quoted packet's destination; the first 4 bytes for IPv4, all 16 for IPv6.
  std::array<std::uint8_t, 16> quoted_destination{};
  /// The next-hop MTU of an IPv4 "fragmentation needed" (bytes 6-7) or an ICMPv6 "packet too
  /// big" (bytes 4-7); nullopt for every other message.
  std::optional<std::uint32_t> mtu;
};

/// What an ICMP error says went wrong, the same for IPv4 and IPv6.
enum class IcmpErrorType : std::uint8_t {
  destination_unreachable,
  time_exceeded,
  packet_too_big,
  parameter_problem,
  other,
};
inline constexpr std::size_t kIcmpErrorTypes = 5;

/// Classifies an ICMP (v4) or ICMPv6 (v6) error by type and code. IPv4 "fragmentation
/// needed" (destination unreachable, code 4) is packet_too_big, as ICMPv6's "packet too big",
/// so that the two forms of "too big" read the same. Pure.
IcmpErrorType classify_icmp_error(Family family, std::uint8_t type, std::uint8_t code);

/// The type's label value: "destination_unreachable", "time_exceeded", ...
std::string_view icmp_error_type_name(IcmpErrorType type);

/// Parses one datagram as received on a socket of `wire` kind. nullopt when it is truncated
/// or malformed (short buffer, bad IPv4 version or header length, total length past the end).
std::optional<IcmpMessage> parse_icmp_message(IcmpWire wire, std::span<const std::byte> bytes);

}  // namespace netprom
