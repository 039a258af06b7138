// SPDX-License-Identifier: MIT
// The ping collector's interface: targets and options in, one PingResult per target out.
#pragma once

#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "clock.h"
#include "family.h"
#include "icmp_packet.h"  // IcmpErrorType
#include "icmp_socket.h"  // IcmpPermissionError
#include "ping_sockets.h"  // SocketOpener
#include "resolve.h"
#include "settings.h"

namespace netprom {

/// How a run pings, beyond each destination's own settings (TargetSpec::probe); validated by
/// the config layer before it gets here. Build it with designated initialisers.
struct PingOptions {
  std::chrono::nanoseconds deadline = std::chrono::seconds(50); ///< whole run, DNS included
  std::optional<double> rate;                           ///< cap, echo requests per second
  /// Called once every ICMP socket is open, before name resolution starts and so before any
  /// thread exists: the place to give up privileges (main drops all capabilities there, and
  /// capset acts on the calling thread only). May throw; the run then fails.
  std::function<void()> on_sockets_open;
  /// Called from the event loop at most every kProgressPeriod with the requests finished
  /// (answered, timed out or failed) and the requests of the run; for a progress line.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
  /// When set and *stop becomes non-zero (a signal handler's flag: Ctrl-C in table mode), the
  /// run ends at its next turn as at the deadline: requests not answered are lost, requests
  /// not sent are unsent. A signal interrupts the wait (Clock::wait returns on EINTR).
  const volatile std::sig_atomic_t* stop = nullptr;
};

/// How often PingOptions::on_progress is called at most.
inline constexpr std::chrono::milliseconds kProgressPeriod{100};

/// What happened to one destination this run.
struct PingResult {
  /// The address pinged; nullopt when the host gave no address of the wanted family (then no
  /// target_info, up 0). Formatted (format_address) where a report needs text.
  std::optional<SocketAddress> address;
  std::uint64_t sent = 0;       ///< requests that left the host (answered or not); loss is over these
  std::uint64_t received = 0;   ///< distinct valid replies within the timeout
  std::uint64_t duplicates = 0; ///< extra copies of an already counted reply
  std::uint64_t late = 0;       ///< valid replies that came after their timeout
  std::uint64_t errors = 0;     ///< requests answered by an ICMP error (unreachable, time exceeded)
  std::uint64_t corrupt = 0;    ///< replies with a bad checksum or payload that we ignored
  /// Per request sent, in send order: the RTT in seconds (a whole number of nanoseconds), or a
  /// NaN when no valid reply came in time. Size == sent.
  std::vector<double> rtt_seconds;
  // (Last, so that positional initialisers of the fields above stay valid.)
  std::uint64_t send_errors = 0;  ///< requests the kernel refused to send (EHOSTUNREACH, ...); not in sent
  std::uint64_t unsent = 0;       ///< planned requests never tried: the deadline (or --rate) came first
  /// --pmtu: the largest IP packet (header included) that reached the destination with
  /// don't-fragment set and came back; nullopt when not searched or not found by the deadline.
  std::optional<int> path_mtu{};
  std::optional<int> reply_ttl{}; ///< IPv4 TTL / IPv6 hop limit of the last reply counted in `received`
  /// `errors` by what the ICMP error said (index: IcmpErrorType); they add up to `errors`.
  std::array<std::uint64_t, kIcmpErrorTypes> errors_by_type{};
  /// The last ICMP error counted: its type and who sent it ("" for a local error), for the table.
  std::optional<std::pair<IcmpErrorType, std::string>> last_error{};
};

/// Resolves every target concurrently, then pings them all at once from one event loop, each
/// with its own settings (TargetSpec::probe: count, interval, timeout, size, family and the
/// socket settings). Returns one PingResult per target, in the same order. Unreachable or
/// unresolvable destinations are data, never exceptions. Throws IcmpPermissionError (see
/// above), or std::system_error for an unexpected system failure.
std::vector<PingResult> run_pings(std::span<const TargetSpec> targets, const PingOptions& options);

/// The per-run random values that make our packets recognisable.
struct PingSeed {
  std::uint16_t identifier = 0;      ///< echo identifier (raw sockets; the kernel owns it otherwise)
  std::uint16_t sequence_start = 0;  ///< sequence of request 0; request r uses start + r (mod 2^16)
  std::uint64_t nonce = 0;           ///< first 8 payload bytes of every request this run
};

/// A seed from the kernel's random source (getrandom via std::random_device).
PingSeed make_random_seed();

/// The event loop alone: pings `targets` at their resolved `addresses` (same size; nullopt:
/// unresolved, sent 0) over the injected sockets and clock (PingSchedule says when,
/// PingLedger keeps the outcomes, match_message attributes what comes back), each with its
/// own count, interval, timeout and size; the socket settings of `targets` are not looked at
/// (every IPv4 destination goes through `v4`, every IPv6 one through `v6`). `v4` / `v6` may be
/// null; requests to a family without a socket fail to send (EAFNOSUPPORT). Nothing is owned.
/// Returns one PingResult per target by `deadline`: requests not answered then are lost,
/// requests not sent by then are not counted. Throws std::invalid_argument when a target's
/// settings are out of range (count < 1, size outside [kMinPayloadSize, kMaxPayloadSize],
/// more than 2^32 - 1 requests), std::system_error from a socket.
std::vector<PingResult> ping_addresses(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingOptions& options,
                                       const PingSeed& seed, std::span<const TargetSpec> targets,
                                       std::span<const std::optional<SocketAddress>> addresses, MonoTime deadline);

/// run_pings with its collaborators injected: opens the sockets plan_sockets() says the targets
/// need (one per family and socket settings, not one per target), calls options.on_sockets_open
/// (no thread exists yet), then starts `resolver` and pings: literals at once, each name as
/// soon as it resolves, all bounded by the deadline (counted from the call), so a slow name
/// costs no other destination a request. Throws what plan_sockets, open_sockets and
/// ping_addresses throw; a family the kernel lacks makes its destinations fail to send.
std::vector<PingResult> run_pings(std::span<const TargetSpec> targets, const PingOptions& options,
                                  Resolver& resolver, Clock& clock, const SocketOpener& open_socket,
                                  const PingSeed& seed);

}  // namespace netprom
