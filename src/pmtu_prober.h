// SPDX-License-Identifier: MIT
// Path MTU discovery's driver: a PathMtuSearch per destination, its probes sent with
// don't-fragment set over the IcmpSocket seam and timed on the Clock seam. It runs as a phase
// of its own after the echo requests, within what is left of the run's deadline, so probes are
// never mixed into the echo counts or RTTs.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <vector>

#include "clock.h"
#include "icmp_socket.h"
#include "pinger.h"  // PingSeed
#include "resolve.h"

namespace netprom {

/// How path MTU probes are waited for.
struct PathMtuOptions {
  std::chrono::nanoseconds timeout = std::chrono::seconds(2);  ///< wait for each probe's answer
  int attempts = 2;  ///< probes of one size that go unanswered before it counts as too big
};

/// Searches the path MTU towards every entry of `addresses` (nullopt: skipped) at once, one
/// probe in flight per destination, over sockets opened with IcmpSocketOptions::probe_path_mtu
/// (`v4` / `v6` may be null: that family's destinations are skipped), until every search is
/// over or `deadline` has come. Each search starts at max_path_mtu(): the device's EMSGSIZE
/// brings it down to the device's MTU. Probes are echo requests whose payload carries a nonce
/// of their own (not seed.nonce), so the echo matcher never takes them for echo replies.
/// Returns per entry the path MTU in IP packet bytes, header included, or nullopt (skipped,
/// nothing came back, a send failed for another reason than the size, or the deadline came
/// first). Throws std::system_error from a socket.
std::vector<std::optional<int>> probe_path_mtus(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingSeed& seed,
                                                std::span<const std::optional<SocketAddress>> addresses,
                                                const PathMtuOptions& options, MonoTime deadline);

/// The nonce of the path MTU probes of a run with `seed`.
std::uint64_t path_mtu_nonce(const PingSeed& seed);

}  // namespace netprom
