// SPDX-License-Identifier: MIT
#include "pmtu.h"

#include <algorithm>

#include "icmp_packet.h"

namespace netprom {

int min_path_mtu(Family family) { return family == Family::v6 ? 1280 : 68; }

int probe_overhead(Family family) { return (family == Family::v6 ? 40 : 20) + static_cast<int>(kIcmpHeaderSize); }

int max_path_mtu(Family family) { return probe_overhead(family) + static_cast<int>(kMaxPayloadSize); }

PathMtuSearch::PathMtuSearch(Family family, int upper, int attempts)
    : floor_(min_path_mtu(family)), lo_(floor_ - 1), hi_(std::max(upper, floor_)), attempts_(std::max(attempts, 1)),
      candidate_(hi_) {}

std::optional<int> PathMtuSearch::next_size() const {
  if (lo_ >= hi_ || hi_ < floor_) return std::nullopt;
  if (candidate_ && *candidate_ > lo_ && *candidate_ <= hi_) return candidate_;
  return lo_ + (hi_ - lo_ + 1) / 2;  // in (lo, hi]: rounds up, so (1399, 1400] probes 1400
}

void PathMtuSearch::on_reply(int size) {
  if (size <= lo_) return;
  lo_ = size;
  hi_ = std::max(hi_, lo_);  // what came back passes, whatever was concluded before
  misses_ = 0;
}

void PathMtuSearch::on_timeout(int size) {
  if (size <= lo_ || size > hi_) return;  // a size known to pass was lost, or already ruled out
  if (++misses_ < attempts_) return;
  hi_ = size - 1;
  misses_ = 0;
  // Nothing has come back yet: a black hole, or a destination that stopped answering since
  // its echo replies. The minimum tells which before the bisection spends a timeout on each
  // size (11 sizes from 1500 down to 68, attempts timeouts each).
  if (lo_ < floor_) candidate_ = floor_;
}

void PathMtuSearch::on_too_big(int size, std::optional<int> mtu) {
  if (size <= lo_) return;  // a larger size came back: the error is stale or bogus
  hi_ = std::min(hi_, size - 1);
  misses_ = 0;
  // The kernel's answer is tried next; below the minimum or at a size already known to pass
  // it says nothing new.
  if (mtu && *mtu < size && *mtu > lo_ && *mtu >= floor_) {
    hi_ = std::min(hi_, *mtu);
    candidate_ = hi_;
  }
}

std::optional<int> PathMtuSearch::result() const {
  if (next_size() || lo_ < floor_) return std::nullopt;
  return lo_;
}

}  // namespace netprom
