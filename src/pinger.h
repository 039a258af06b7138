// SPDX-License-Identifier: MIT
// The ping collector's interface: targets and options in, one PingResult per target out.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "family.h"

namespace netprom {

/// One destination to ping, as configured.
struct PingTarget {
  std::string name;               ///< the `dest` label
  std::string host;               ///< a name or an address literal (IPv6 may carry %scope)
  Family family = Family::any;    ///< per-target choice; any = use PingOptions::family
};

/// How to ping; validated by the config layer before it gets here.
struct PingOptions {
  int count = 5;                                        ///< echo requests per destination
  std::chrono::nanoseconds interval = std::chrono::seconds(1);  ///< between requests to one dest
  std::chrono::nanoseconds timeout = std::chrono::seconds(2);   ///< wait for each reply
  std::chrono::nanoseconds deadline = std::chrono::seconds(50); ///< whole run, DNS included
  Family family = Family::any;                          ///< -4 / -6 for names
  int size = 56;                                        ///< ICMP payload bytes
  std::optional<int> ttl;                               ///< IP TTL / IPv6 hop limit
  std::optional<int> tos;                               ///< IPv4 TOS / IPv6 traffic class
  std::optional<std::string> source;                    ///< source address literal
  std::optional<std::string> interface;                 ///< SO_BINDTODEVICE name
  std::optional<double> rate;                           ///< cap, echo requests per second
};

/// What happened to one destination this run.
struct PingResult {
  bool resolved = false;        ///< false: the name gave no address (no target_info, up 0)
  std::string address;          ///< the address pinged, numeric ("198.18.0.2", "fd00::2")
  Family family = Family::any;  ///< v4 or v6 once resolved
  std::uint64_t sent = 0;       ///< requests that were answered or timed out (or failed to send)
  std::uint64_t received = 0;   ///< distinct valid replies within the timeout
  std::uint64_t duplicates = 0; ///< extra copies of an already counted reply
  std::uint64_t late = 0;       ///< valid replies that came after their timeout
  std::uint64_t errors = 0;     ///< ICMP errors (unreachable, time exceeded) for our requests
  std::uint64_t corrupt = 0;    ///< replies with a bad checksum or payload that we ignored
  /// Per request, in send order: the RTT in seconds, or a NaN when no valid reply came in time.
  /// Size == sent.
  std::vector<double> rtt_seconds;
};

/// Thrown when no ICMP socket (datagram or raw) can be opened: exit 77.
/// what() is one line with the cause and a hint (ping_group_range, cap_net_raw).
class IcmpPermissionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Resolves every target concurrently, then pings them all at once from one event loop.
/// Returns one PingResult per target, in the same order. Unreachable or unresolvable
/// destinations are data, never exceptions. Throws IcmpPermissionError (see above), or
/// std::system_error for an unexpected system failure.
std::vector<PingResult> run_pings(const std::vector<PingTarget>& targets, const PingOptions& options);

}  // namespace netprom
