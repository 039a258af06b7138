// SPDX-License-Identifier: MIT
#include "rtt_stats.h"

#include <algorithm>
#include <cmath>

namespace netprom {

std::optional<RttSummary> summarize_rtts(std::span<const double> rtt_seconds) {
  RttSummary s;
  std::size_t n = 0;
  double sum = 0;
  for (double x : rtt_seconds) {
    if (std::isnan(x)) continue;
    s.min = n == 0 ? x : std::min(s.min, x);
    s.max = n == 0 ? x : std::max(s.max, x);
    sum += x;
    ++n;
  }
  if (n == 0) return std::nullopt;
  s.avg = sum / static_cast<double>(n);
  // Two passes: the one-pass sum-of-squares formula loses everything to cancellation when the
  // spread (microseconds) is tiny against the mean.
  double squares = 0;
  for (double x : rtt_seconds)
    if (!std::isnan(x)) squares += (x - s.avg) * (x - s.avg);
  s.stddev = std::sqrt(squares / static_cast<double>(n));
  return s;
}

}  // namespace netprom
