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
  std::uint64_t send_errors = 0;     ///< requests the kernel refused to send (not in `sent`)
  std::vector<std::uint64_t> buckets; ///< per bound, not cumulative; one more for +Inf
  std::uint64_t count = 0;            ///< RTT samples observed
  double sum = 0;                     ///< seconds
};

/// All destinations' totals and the bucket layout they were counted in.
struct History {
  std::string output;               ///< the output file these totals were published in ("-": stdout)
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

/// Parses a state file. Throws StateError naming the line and the problem: also for tampered
/// totals (bucket counts that do not add up to the count, more received than sent, a value past
/// 2^53, which a run could not have reached). Pure.
History parse_history(std::string_view text);

/// This run's totals: the previous ones of every destination still configured plus this run's
/// results; destinations no longer configured are dropped; a destination whose histogram was
/// kept in other bounds than `bounds` starts its histogram afresh (its counters go on).
/// `targets` and `results` are parallel. Pure.
History update_history(const History& previous, std::span<const TargetSpec> targets,
                       std::span<const PingResult> results, const std::vector<double>& bounds);

/// The state file of `output` inside `state_dir`: named after the output file
/// ("netprom.prom" -> "DIR/netprom.prom.state"; "-" -> "DIR/stdout.state"), so that outputs
/// sharing a state directory keep their own totals.
std::string history_path(const std::string& state_dir, const std::string& output);

/// The largest state file that `targets` can need (every number at its widest, 64 bounds, names
/// escaped at worst), so that a larger file is refused before it is read. Pure.
std::size_t history_size_limit(std::span<const TargetSpec> targets);

/// Reads and parses the state file. Only a regular file of at most `max_bytes` is read: it is
/// opened without following a symlink and without blocking (a FIFO cannot hold the run).
/// A missing file gives an empty History; anything else that cannot be used (not a regular
/// file, too large, unreadable, corrupt, tampered) gives an empty History and sets `warning`
/// to one line saying why: the run goes on with a fresh start.
History read_history(const std::string& path, std::size_t max_bytes, std::string& warning);

}  // namespace netprom
