// SPDX-License-Identifier: MIT
// netprom's metric families: every name, help text and label key lives in metrics.cc.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "link_stats.h"
#include "pinger.h"
#include "settings.h"

namespace netprom {

class ExpositionWriter;
struct DestHistory;
struct History;

/// One destination as the report shows it: its configuration, this run's result and, with a
/// kept history (--state-dir), its totals.
struct DestinationReport {
  const TargetSpec& target;
  const PingResult& ping;
  const DestHistory* totals = nullptr;  ///< null without a kept history
};

/// The destinations of a report: the pinger's results (one per target, in order) and the
/// history's totals (one per target, in order; `history` may be null) joined to their targets,
/// here only. Throws std::logic_error when the counts or the names do not match. Pure.
std::vector<DestinationReport> destination_reports(std::span<const TargetSpec> targets,
                                                   std::span<const PingResult> results, const History* history);

/// What one run found, for rendering.
struct RunReport {
  bool ping_enabled = false;
  bool ping_ok = false;                     ///< false: the ping collector failed (no results)
  std::span<const DestinationReport> destinations;  ///< one per target when ping_ok
  bool interfaces_enabled = false;
  bool interfaces_ok = false;
  std::span<const LinkStats> links;         ///< already filtered
  bool history_enabled = false;             ///< --state-dir with ping on
  const History* history = nullptr;         ///< with --state-dir: the bucket bounds (the totals are
                                            ///< the destinations'); null when they could not be kept
  double timestamp_seconds = 0;             ///< Unix time the run finished collecting
  double duration_seconds = 0;
  std::string_view version;
  /// --label / `labels`: added to every series of the run, so that two files in one textfile
  /// directory do not collide on the run's own series.
  std::span<const std::pair<std::string, std::string>> constant_labels;
  std::optional<MeshCoverage> mesh;         ///< with --mesh: computed from the member list
};

/// Renders the whole exposition (text format 0.0.4) into `writer` (which may stream it). Pure
/// but for what the writer's sink does.
void render_metrics(const RunReport& report, ExpositionWriter& writer);

/// The whole exposition as one string. Pure.
std::string render_metrics(const RunReport& report);

/// The `dest` label plus the target's own labels, escaped (shared with the history families).
std::string render_target_labels(const TargetSpec& target);

}  // namespace netprom
