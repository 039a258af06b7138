// SPDX-License-Identifier: MIT
#include "rtt_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace netprom {

namespace {
constexpr double kNanosPerSecond = 1e9;
__extension__ typedef __int128 Int128;  // GCC and Clang on every 64-bit target
}  // namespace

// The samples are whole nanoseconds (the pinger measures in them); the statistics are
// computed over those integers exactly and turned into seconds by one division each, so that
// an average of 839169.5 ns prints as 0.0008391695, not 0.0008391695499999999 (the sum of
// doubles carries each sample's rounding). The variance is (n * sum(x^2) - sum(x)^2) / n^2 in
// 128-bit integers: exact, with no cancellation, for any RTT and count netprom can produce.
std::optional<RttSummary> summarize_rtts(std::span<const double> rtt_seconds) {
  std::int64_t min = 0, max = 0;
  Int128 sum = 0, squares = 0;
  std::int64_t n = 0;
  for (const double x : rtt_seconds) {
    if (std::isnan(x)) continue;
    const std::int64_t ns = std::llround(x * kNanosPerSecond);
    min = n == 0 ? ns : std::min(min, ns);
    max = n == 0 ? ns : std::max(max, ns);
    sum += ns;
    squares += static_cast<Int128>(ns) * ns;
    ++n;
  }
  if (n == 0) return std::nullopt;
  RttSummary s;
  s.min = static_cast<double>(min) / kNanosPerSecond;
  s.max = static_cast<double>(max) / kNanosPerSecond;
  s.avg = static_cast<double>(sum) / (static_cast<double>(n) * kNanosPerSecond);
  const Int128 spread = squares * n - sum * sum;  // n^2 * variance, in ns^2
  s.stddev = static_cast<double>(std::sqrt(static_cast<long double>(spread)) /
                                 (static_cast<long double>(n) * kNanosPerSecond));
  return s;
}

}  // namespace netprom
