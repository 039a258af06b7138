// SPDX-License-Identifier: MIT
#include "collect.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "errors.h"
#include "exposition.h"
#include "history.h"
#include "interface_filter.h"
#include "metrics.h"
#include "options.h"
#include "table.h"
#include "textfile.h"

namespace netprom {
namespace {

// How bad a status is: the one a person must act on first wins. ICMP permission (nothing was
// pinged) before a failed collector (some data missing) before a lost history (the cumulative
// series missing, the per-run data all there).
int rank(int status) {
  switch (status) {
    case exit_status::kNoPerm: return 3;
    case exit_status::kFailed: return 2;
    case exit_status::kHistory: return 1;
    default: return 0;
  }
}

int worse(int a, int b) { return rank(b) > rank(a) ? b : a; }

// The output as the state file records it: absolute, so that two outputs of the same name in
// different directories sharing one state directory are told apart.
std::string output_identity(const std::string& output) {
  if (output == "-") return output;
  return std::filesystem::absolute(output).lexically_normal().string();
}

// --state-dir: reads the previous totals, adds this run's and saves them, all before the file
// that shows them is published; a published counter then never goes down (a run killed after
// the save publishes nothing; the next one adds to the saved totals). Returns nullopt, after
// one warning, when the history cannot be kept: then this run publishes no cumulative series.
std::optional<History> keep_history(const Settings& s, std::span<const TargetSpec> targets, const std::string& output,
                                    std::span<const PingResult> results, const RunSeams& seams) {
  const std::string& dir = *s.state_dir;
  auto lost = [&](std::string_view why) {
    seams.message(fmt::format("netprom: warning: {}; the cumulative series are left out of this run (exit {})", why,
                              exit_status::kHistory));
    return std::optional<History>();
  };
  // systemd's StateDirectory= makes it; by hand, we do. A missing parent is the user's to fix.
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return lost(fmt::format("cannot create state directory {}: {}", dir, std::strerror(errno)));
  const std::string path = history_path(dir, output);
  std::optional<OutputLock> lock;
  try {
    lock.emplace(path);
  } catch (const std::runtime_error& e) {  // LockHeldError, OutputError
    return lost(e.what());
  }
  remove_stale_temp_files(path);
  std::string warning;
  History previous = read_history(path, history_size_limit(targets), warning);
  if (!warning.empty()) seams.message(fmt::format("netprom: warning: {}", warning));
  // A FIFO or symlink in the state's place was refused above; the fresh state replaces it (the
  // name is netprom's own, in its own directory, and unlink removes a link, not its target).
  if (struct stat st {}; ::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    ::unlink(path.c_str());
  const std::string identity = output_identity(output);
  if (!previous.output.empty() && previous.output != identity)
    return lost(fmt::format("state {} holds the totals of {}, not of {}; give each output its own state file name "
                            "or --state-dir",
                            path, previous.output, identity));
  History next = update_history(previous, targets, results, s.buckets.empty() ? default_buckets() : s.buckets);
  next.output = identity;
  try {
    write_file_atomically(path, render_history(next));
  } catch (const OutputError& e) {
    return lost(e.what());
  }
  return next;
}

// Whole-name matching surprises people ("eth" matches nothing): a pattern that matches no
// interface of this host is said, not silently obeyed.
void warn_unmatched_patterns(const Settings& s, const std::vector<LinkStats>& links, const RunSeams& seams) {
  auto warn = [&](std::string_view option, const std::optional<std::string>& pattern, bool include) {
    if (!pattern) return;
    InterfaceFilter f(include ? pattern : std::nullopt, include ? std::nullopt : pattern);
    // keep() is "matches" for an include pattern and "does not match" for an exclude one.
    if (std::any_of(links.begin(), links.end(), [&](const LinkStats& l) { return f.keep(l.name) == include; }))
      return;
    seams.message(fmt::format("netprom: warning: --{} '{}' matches no interface on this host; patterns match the "
                              "whole name ('eth.*' matches eth0, 'eth' does not)",
                              option, *pattern));
  };
  warn("interface-include", s.interface_include, true);
  warn("interface-exclude", s.interface_exclude, false);
}

void publish(const RunReport& report, OutputFormat format, const std::string& output, const RunSeams& seams) {
  if (format == OutputFormat::table) {
    std::string table = render_table(report, seams.colour, seams.utf8);
    output == "-" ? seams.write_stdout(table) : write_file_atomically(output, table);
    return;
  }
  // Streamed into the temp file (or standard output) as it is rendered: memory stays flat with
  // 100,000 destinations, and the rename still publishes the file whole or not at all.
  if (output == "-") {
    ExpositionWriter writer(seams.write_stdout);
    render_metrics(report, writer);
    return;
  }
  AtomicFile file(output);
  ExpositionWriter writer([&file](std::string_view text) { file.write(text); });
  render_metrics(report, writer);
  file.commit();
}

}  // namespace

int collect_and_publish(const Settings& s, const std::string& output, const RunSeams& seams) {
  std::optional<OutputLock> lock;
  if (output != "-") {
    lock.emplace(output);
    remove_stale_temp_files(output);
  }
  auto error = [&](std::string_view what) { seams.message(fmt::format("netprom: error: {}", what)); };
  int status = exit_status::kOk;
  RunReport report;
  report.version = NETPROM_VERSION;
  report.constant_labels = s.labels;
  report.mesh = s.mesh_coverage;
  std::vector<PingResult> results;
  std::vector<TargetSpec> gateways;  // no destination given: the default gateways
  std::span<const TargetSpec> targets = s.targets;
  if ((report.ping_enabled = !s.no_ping)) {
    try {
      if (targets.empty()) targets = gateways = seams.default_targets();
      results = seams.ping(targets);
      if (results.size() != targets.size())
        throw std::logic_error(fmt::format("{} results for {} destinations", results.size(), targets.size()));
      std::uint64_t unsent = 0;  // cut by the deadline: neither sent nor lost, but say so
      for (const PingResult& p : results) unsent += p.unsent;
      if (unsent > 0) seams.message(fmt::format("netprom: warning: deadline reached: {} requests not sent", unsent));
      report.ping_ok = true;
    } catch (const IcmpPermissionError& e) {
      error(e.what());
      status = worse(status, exit_status::kNoPerm);
    } catch (const std::exception& e) {  // a failed collector must not cost the other one's data
      error(fmt::format("ping: {}", e.what()));
      status = worse(status, exit_status::kFailed);
    }
  }
  std::vector<LinkStats> links;
  if ((report.interfaces_enabled = !s.no_interfaces)) {
    try {
      InterfaceFilter filter(s.interface_include, s.interface_exclude);
      links = seams.links();
      warn_unmatched_patterns(s, links, seams);
      std::erase_if(links, [&filter](const LinkStats& l) { return !filter.keep(l.name); });
      report.interfaces_ok = true;
      report.links = links;
    } catch (const std::exception& e) {
      error(fmt::format("interfaces: {}", e.what()));
      status = worse(status, exit_status::kFailed);
    }
  }
  std::optional<History> history;
  if ((report.history_enabled = s.state_dir && report.ping_enabled)) {
    if (report.ping_ok) history = keep_history(s, targets, output, results, seams);
    if (!history) status = worse(status, exit_status::kHistory);
  }
  report.history = history ? &*history : nullptr;
  std::vector<DestinationReport> destinations;
  if (report.ping_ok) destinations = destination_reports(targets, results, report.history);
  report.destinations = destinations;
  report.timestamp_seconds = seams.unix_time();
  report.duration_seconds = seams.elapsed_seconds();
  publish(report, s.format, output, seams);
  return status;
}

bool use_colour(std::string_view output, bool stdout_is_terminal, const char* no_color, const char* term) {
  return output == "-" && stdout_is_terminal && !(no_color && *no_color) && !(term && std::string_view(term) == "dumb");
}

}  // namespace netprom
