// SPDX-License-Identifier: MIT
// --state-dir: cumulative ping counters and an RTT histogram carried from run to run, so that
// Prometheus can take rate() and histogram_quantile() over a one-shot tool's results.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pinger.h"
#include "settings.h"

namespace netprom {

/// One destination's totals since its state began.
struct DestHistory {
  std::string name;                   ///< the dest label: the state's key
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t duplicates = 0;
  std::vector<std::uint64_t> buckets; ///< per bound, not cumulative; one more for +Inf
  std::uint64_t count = 0;            ///< RTT samples observed
  double sum = 0;                     ///< seconds
};

/// All destinations' totals and the bucket layout they were counted in.
struct History {
  std::vector<double> bounds;       ///< upper bounds in seconds, increasing
  std::vector<DestHistory> dests;
};

/// Thrown by parse_history for a state that cannot be used (corrupt, other version).
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The state file's text. Pure.
std::string render_history(const History& history);

/// Parses a state file. Throws StateError naming the line and the problem. Pure.
History parse_history(std::string_view text);

/// This run's totals: the previous ones of every destination still configured plus this run's
/// results; destinations no longer configured are dropped; a destination whose histogram was
/// kept in other bounds than `bounds` starts its histogram afresh (its counters go on).
/// `targets` and `results` are parallel. Pure.
History update_history(const History& previous, std::span<const TargetSpec> targets,
                       std::span<const PingResult> results, const std::vector<double>& bounds);

/// The state file inside `state_dir`.
std::string history_path(const std::string& state_dir);

/// Reads and parses the state file. A missing file gives an empty History; an unreadable,
/// corrupt or foreign one gives an empty History and sets `warning` to one line saying why
/// (the run goes on: Prometheus copes with a counter reset, not with a missing file).
History read_history(const std::string& path, std::string& warning);

}  // namespace netprom
