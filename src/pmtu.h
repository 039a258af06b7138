// SPDX-License-Identifier: MIT
// Path MTU search: which packet size to probe next and what each answer says about the path.
// Pure: sizes in, sizes out; the driver (pmtu_prober) sends the probes and reports back.
#pragma once

#include <optional>

#include "family.h"

namespace netprom {

/// The smallest IP packet every link carries: 68 bytes for IPv4 (RFC 791), 1280 for IPv6
/// (RFC 8200). The search never goes below it.
int min_path_mtu(Family family);

/// IP header plus ICMP echo header: a probe of IP packet size S carries S - this payload bytes.
int probe_overhead(Family family);

/// The largest IP packet a probe may be: the overhead plus kMaxPayloadSize.
int max_path_mtu(Family family);

/// One destination's search for the largest IP packet (header included) that reaches it with
/// don't-fragment set and comes back.
///
/// It keeps two bounds: `lo`, the largest size that came back (none yet: the minimum - 1), and
/// `hi`, the largest size that may still come back. The first probe is the upper bound given
/// (the path is usually as wide as the first link). A "too big" answer carrying an MTU (the
/// kernel's, from an ICMP "fragmentation needed" / "packet too big" or from a local EMSGSIZE)
/// lowers `hi` to that MTU, which is probed next to confirm it. Otherwise the search bisects
/// (lo, hi]: a reply raises `lo`, `attempts` timeouts in a row of one size (a black hole sends
/// nothing back; one loss must not count as one) lower `hi` below that size. When sizes time
/// out before anything came back, the minimum is probed next: a destination gone silent then
/// costs two sizes' timeouts, not one per size of the bisection. It ends when lo == hi (found)
/// or when even the minimum went unanswered (nothing found).
class PathMtuSearch {
 public:
  /// Searches between min_path_mtu(family) and `upper` (clamped to at least the minimum).
  /// `attempts` (at least 1): timeouts of one size before it counts as too big.
  PathMtuSearch(Family family, int upper, int attempts);

  /// The size to probe next; nullopt once the search is over.
  std::optional<int> next_size() const;
  /// A probe of `size` came back: every size up to it passes.
  void on_reply(int size);
  /// No answer to a probe of `size` within its timeout.
  void on_timeout(int size);
  /// A probe of `size` was too big: an ICMP error or a local EMSGSIZE, with the MTU the kernel
  /// reported when it did. An MTU that is not below `size` says nothing more than the error.
  void on_too_big(int size, std::optional<int> mtu);
  /// The path MTU once the search is over and something came back; else nullopt.
  std::optional<int> result() const;

 private:
  int floor_;
  int lo_;
  int hi_;
  int attempts_;
  int misses_ = 0;                // timeouts in a row of next_size()
  std::optional<int> candidate_;  // probed before bisecting: the upper bound or a reported MTU
};

}  // namespace netprom
