// SPDX-License-Identifier: MIT
// Which of our requests a received message is about. Pure: bytes and the ledger in, a request
// number out.
#pragma once

#include <cstdint>
#include <optional>

#include "icmp_packet.h"  // IcmpErrorType
#include "icmp_socket.h"  // Datagram, SocketKind
#include "ping_ledger.h"

namespace netprom {

/// The 16-bit echo sequence of request `r`.
inline std::uint16_t sequence_of(const PingSeed& seed, std::uint32_t r) {
  return static_cast<std::uint16_t>(seed.sequence_start + static_cast<std::uint16_t>(r & 0xffff));
}

/// What a received message says.
enum class Verdict : std::uint8_t {
  foreign,  ///< not about one of our requests (another process's packet, or garbage)
  reply,    ///< a valid echo reply to `request`
  corrupt,  ///< an echo reply to `request` with a bad checksum, payload or sequence
  error,    ///< an ICMP error (or error-queue entry) about `request`
};

struct Match {
  Verdict verdict = Verdict::foreign;
  std::uint32_t request = 0;
  /// error: what kind of error, who sent it (AF_UNSPEC for a local error), and the next-hop
  /// MTU that a "fragmentation needed" / "packet too big" error carries.
  IcmpErrorType error_type = IcmpErrorType::other;
  SocketAddress error_from{};
  std::optional<std::uint32_t> mtu;
};

/// Attributes a datagram read from the socket in `slot` (of `family` and `kind`) to one of the
/// requests in `ledger`; a request's payload size is its destination's.
///
/// A reply is ours when its nonce, request number (below ledger.sent()), source address and,
/// on raw sockets, identifier match; it is then valid when its checksum, payload and sequence
/// are right too, and corrupt otherwise. An error is ours when the request it quotes passes
/// the same checks against the quoted destination. When only the 8-byte echo header is quoted,
/// the pending request with that sequence to that destination is meant: the candidates are
/// 65,536 requests apart from ledger.first_pending() on. An error says its type, sender and
/// MTU: from the ICMP message itself on a raw socket (the sender is the datagram's peer), from
/// the error-queue entry (Datagram::error) on a datagram socket.
Match match_message(const PingSeed& seed, Family family, std::uint16_t slot, SocketKind kind,
                    const Datagram& datagram, const PingLedger& ledger);

}  // namespace netprom
