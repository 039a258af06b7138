// SPDX-License-Identifier: MIT
// One run as a library: the collectors behind injected seams, the per-collector failure policy,
// the history (--state-dir) saved before the file that shows it is published, the exit-code
// precedence and the colour choice. main.cc parses the options, builds the seams and maps
// exceptions to exit codes; everything between is here, so that "a collector fails, the file
// is still written with collector_success 0, the exit code says why" is a unit test.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "link_stats.h"
#include "pinger.h"
#include "settings.h"

namespace netprom {

/// Exit statuses of a run that got as far as collecting (sysexits(3) where one fits).
namespace exit_status {
inline constexpr int kOk = 0;          ///< the file was written, every collector worked
inline constexpr int kFailed = 1;      ///< a collector failed; the file was written without its data
inline constexpr int kUsage = 64;
inline constexpr int kCantCreate = 73; ///< the output could not be written; the previous one stays
inline constexpr int kHistory = 74;    ///< the file was written, but --state-dir could not be used
inline constexpr int kTempFail = 75;   ///< another run holds the output's lock
inline constexpr int kNoPerm = 77;     ///< no permission for ICMP sockets
inline constexpr int kConfig = 78;
inline constexpr int kInterrupted = 130; ///< Ctrl-C in table mode, after the summary so far (128 + SIGINT)
}  // namespace exit_status

/// What a run talks to. Each collector may throw; a throw costs that collector only.
struct RunSeams {
  /// Pings `targets` (one result per target, in order). IcmpPermissionError -> exit 77.
  std::function<std::vector<PingResult>(std::span<const TargetSpec> targets)> ping;
  /// The destinations to ping when none is configured (the default gateways).
  std::function<std::vector<TargetSpec>()> default_targets;
  /// Every interface's counters, unfiltered.
  std::function<std::vector<LinkStats>()> links;
  /// Unix time in seconds, for netprom_run_timestamp_seconds.
  std::function<double()> unix_time;
  /// Seconds since the run started, for netprom_run_duration_seconds.
  std::function<double()> elapsed_seconds;
  /// Where output "-" goes; throws OutputError when it cannot be written.
  std::function<void(std::string_view)> write_stdout;
  /// One line for standard error, without the newline ("netprom: warning: ...").
  std::function<void(std::string_view)> message;
  /// --format table: colour or not (see use_colour()).
  bool colour = false;
  /// --format table: block characters, or ASCII only (the locale is not UTF-8).
  bool utf8 = true;
};

/// Runs the collectors for `settings`, saves the history, then publishes `output` ("-" for
/// standard output) and returns the exit status: 77 when ICMP was not permitted, else 1 when a
/// collector failed, else 74 when the history could not be kept, else 0. Throws LockHeldError
/// (75) when another run holds the output's lock and OutputError (73) when the output cannot be
/// written; then the previous file stays and no state was changed that the file did not show.
int collect_and_publish(const Settings& settings, const std::string& output, const RunSeams& seams);

/// Colour for --format table: only for a person, i.e. output to a terminal, NO_COLOR unset or
/// empty (https://no-color.org) and TERM not "dumb". Pure.
bool use_colour(std::string_view output, bool stdout_is_terminal, const char* no_color, const char* term);

}  // namespace netprom
