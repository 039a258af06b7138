// SPDX-License-Identifier: MIT
// Summary statistics over one destination's round-trip times.
#pragma once

#include <optional>
#include <span>

namespace netprom {

/// min/avg/max/stddev of the RTTs, in seconds.
struct RttSummary {
  double min = 0;
  double avg = 0;
  double max = 0;
  double stddev = 0;  ///< population standard deviation, as ping's "mdev"
};

/// Summarises the samples that are not NaN (NaN marks a lost request). Each sample is taken
/// as a whole number of nanoseconds (what the pinger measures) and the statistics are exact
/// over those integers, each turned into seconds by one division, so they print as the
/// shortest exact decimal. Returns nullopt when there are none: no RTT is ever reported as 0.
/// Pure.
std::optional<RttSummary> summarize_rtts(std::span<const double> rtt_seconds);

/// Jitter: the mean absolute difference between the RTTs of consecutive requests that both
/// got a reply (samples i and i + 1, neither NaN), in seconds, exact over whole nanoseconds as
/// above. Not RFC 3550's smoothed estimate, J += (|D| - J) / 16, which needs far more samples
/// than a run has to forget its start. nullopt when no such pair exists. Pure.
std::optional<double> rtt_jitter(std::span<const double> rtt_seconds);

}  // namespace netprom
