// SPDX-License-Identifier: MIT
// Which of our requests a received message is about. Pure: bytes and the ledger in, a request
// number out.
#pragma once

#include <cstdint>
#include <optional>

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
};

/// Attributes a datagram read from the socket in `slot` (of `family` and `kind`) to one of the
/// requests in `ledger`; a request's payload size is its destination's.
///
/// A reply is ours when its nonce, request number (below ledger.sent()), source address and,
/// on raw sockets, identifier match; it is then valid when its checksum, payload and sequence
/// are right too, and corrupt otherwise. An error is ours when the request it quotes passes
/// the same checks against the quoted destination. When only the 8-byte echo header is quoted,
/// the pending request with that sequence to that destination is meant: the candidates are
/// 65,536 requests apart from ledger.first_pending() on.
Match match_message(const PingSeed& seed, Family family, std::uint16_t slot, SocketKind kind,
                    const Datagram& datagram, const PingLedger& ledger);

}  // namespace netprom
