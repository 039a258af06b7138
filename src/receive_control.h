// SPDX-License-Identifier: MIT
// What the kernel hands over beside a received ICMP message (the recvmsg control data):
// receive time, reply TTL / hop limit, and for an error-queue entry the ICMP error and the
// router that sent it. Pure: bytes in, values out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "clock.h"
#include "socket_address.h"

namespace netprom {

/// An IP_RECVERR / IPV6_RECVERR error-queue entry (struct sock_extended_err).
struct QueuedError {
  enum class Origin : std::uint8_t { icmp, icmp6, local, other };
  Origin origin = Origin::other;
  std::uint8_t type = 0;   ///< ICMP / ICMPv6 type (origin icmp or icmp6)
  std::uint8_t code = 0;
  std::uint32_t info = 0;  ///< the next-hop MTU of "fragmentation needed" / "packet too big"
  int error = 0;           ///< the errno the kernel made of it
  /// Who sent the ICMP error (SO_EE_OFFENDER): the router, or the destination itself.
  /// AF_UNSPEC when the kernel names nobody (a local error).
  SocketAddress offender{};
};

/// The control data of one received message.
struct ReceiveControl {
  std::optional<WallTime> kernel_time;  ///< SCM_TIMESTAMPNS
  std::optional<int> ttl;               ///< IP_TTL / IPV6_HOPLIMIT of the received packet
  std::optional<QueuedError> error;     ///< IP_RECVERR / IPV6_RECVERR
};

/// Parses the control data recvmsg() stored (msg_control, msg_controllen bytes). Messages
/// it does not know, or too short for their type, are skipped.
ReceiveControl parse_receive_control(std::span<const std::byte> control);

}  // namespace netprom
