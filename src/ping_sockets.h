// SPDX-License-Identifier: MIT
// Which ICMP sockets a run needs: one per family and socket settings its targets may be pinged
// with, not one per target, plus the path MTU probe sockets; planned (pure), then opened.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "family.h"
#include "icmp_socket.h"
#include "settings.h"

namespace netprom {

/// The socket each family (index 0: IPv4, 1: IPv6) of a target is pinged through: a slot of
/// SocketPlan::sockets; 0 is none (a family the target cannot be pinged in).
using SocketSlots = std::array<std::uint16_t, 2>;

/// One socket to open.
struct PlannedSocket {
  Family family = Family::v4;
  IcmpSocketOptions options;  ///< payload_size: its largest payload; destinations: how many use it
};

/// The sockets of a run and which target uses which.
struct SocketPlan {
  std::vector<PlannedSocket> sockets;  ///< by slot; slot 0 is a placeholder and never opened
  std::vector<std::uint16_t> open_order;  ///< the slots to open, by family, then socket settings
  std::vector<SocketSlots> slots;      ///< per target
  /// --pmtu: the probe socket of each family (0: IPv4, 1: IPv6) that a target asking for it may
  /// be pinged in, with the socket settings of the family's first such target, don't fragment
  /// left to the probe mode and sized for the largest probe; nullopt: none needed.
  std::array<std::optional<IcmpSocketOptions>, 2> pmtu;
  std::chrono::nanoseconds pmtu_timeout{};  ///< the longest timeout of the targets asking for --pmtu
};

/// Plans the sockets for `targets` (each with its effective TargetSpec::probe): a socket for a
/// family a target may be pinged in (its TargetSpec::address's family, a name's wanted one, or
/// both for a name of either family), shared by every target with the same family and socket
/// settings (ttl, tos, source, interface, dont_fragment). Only those: a v4-only run must not
/// fail for want of IPv6, and each open socket receives (and the raw ones filter) the host's
/// ICMP traffic. A target with no host, or a literal of the other family than the one it asks
/// for, gets no socket. Throws std::invalid_argument when a --source is not an IP address or
/// more than 65,535 socket settings differ. Pure.
SocketPlan plan_sockets(std::span<const TargetSpec> targets);

/// Opens the ICMP socket for a family; open_icmp_socket in production.
using SocketOpener = std::function<std::unique_ptr<IcmpSocket>(Family, const IcmpSocketOptions&)>;

/// The sockets of a plan, opened.
struct OpenSockets {
  std::vector<std::unique_ptr<IcmpSocket>> sockets;  ///< by slot; null: slot 0, or no such family
  std::array<std::unique_ptr<IcmpSocket>, 2> pmtu;   ///< by family; null: not needed, or no such family
};

/// Opens every socket of `plan` with `open`, the echo sockets in plan.open_order, then the probe
/// sockets. A family the kernel lacks (std::system_error EAFNOSUPPORT) leaves its sockets null;
/// anything else `open` throws (IcmpPermissionError, std::system_error) is passed on.
OpenSockets open_sockets(const SocketPlan& plan, const SocketOpener& open);

}  // namespace netprom
