// SPDX-License-Identifier: MIT
// One table of every setting: its command-line spelling, config key, help text, type and range.
// The command line (cli.cc), the config file (config.cc) and --help are all generated from it,
// so a setting is validated the same way wherever it comes from.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "settings.h"

namespace netprom {

/// How a setting's value is written and checked.
enum class ValueKind {
  flag,      ///< true/false; on the command line, present or not (or, with `choices`
             ///< "yes,no" spellings, the first for true: -M do|dont)
  integer,   ///< whole number in [min, max]
  seconds,   ///< decimal number of seconds in [min, max]
  number,    ///< decimal number in [min, max]
  text,      ///< free text (a path)
  address,   ///< an IPv4 or IPv6 address literal
  ifname,    ///< a network interface name
  regex,     ///< an RE2 pattern, matched against the whole name
  choice,    ///< one of `choices` (comma-separated)
  list,      ///< increasing positive numbers; on the command line comma-separated
  label,     ///< NAME=VALUE, a constant label; repeatable on the command line
  paths,     ///< a file; repeatable on the command line, an array of strings in the config
};

/// One setting.
struct OptionDef {
  std::string_view name;        ///< long option, e.g. "state-dir"; config key uses '_' for '-'
  std::string_view short_name;  ///< e.g. "n", or empty
  std::string_view arg;         ///< placeholder in --help, e.g. "SECONDS"; empty for flags
  std::string_view help;        ///< one line for --help (the default is appended)
  std::string_view default_text;///< shown in --help as "(default: ...)", or empty
  ValueKind kind;
  double min = 0;
  double max = 0;
  std::string_view choices = {};
  /// Stores the value of a run-wide setting; null for a per-target one.
  void (*apply)(Settings&, const OptionValue&) = nullptr;
  /// Stores the value of a per-target setting (also a [[target]] key); null for the others.
  void (*apply_probe)(ProbeSettings&, const OptionValue&) = nullptr;
};

/// Stores `value` into `settings` with whichever of def.apply / def.apply_probe it has.
void apply_option(const OptionDef& def, Settings& settings, const OptionValue& value);

/// Thrown by the parse/check functions below with the reason only ("must be ..., got ...");
/// the caller adds where (the option or file:line:column) and the exit code.
class OptionValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// check_settings(): one target's own settings need more time than --deadline allows. what()
/// names the target and where it was defined: "target 'NAME' (ORIGIN) needs ...".
class TargetPlanError : public OptionValueError {
 public:
  using OptionValueError::OptionValueError;
};

/// Every setting that has both a command-line option and a config key, in --help order.
std::span<const OptionDef> option_table();

/// Looks up a setting by long option name or config key ("state-dir" or "state_dir").
/// Returns nullptr when there is none.
const OptionDef* find_option(std::string_view key);

/// The config key for a setting: its name with '-' replaced by '_'.
std::string config_key(const OptionDef& def);

/// Parses command-line text for `def` and range-checks it. Throws OptionValueError.
OptionValue parse_option_text(const OptionDef& def, std::string_view text);

/// Range- and form-checks a value that came typed (from TOML). Throws OptionValueError.
void check_option_value(const OptionDef& def, const OptionValue& value);

/// Checks that settings agree with each other (e.g. the deadline leaves room for the
/// requests of the longest per-destination plan). Throws TargetPlanError when the longest
/// per-destination plan is a target's own, else OptionValueError naming the options.
void check_settings(const Settings& settings);

/// The closest key among `candidates` to `key` by edit distance, or empty when none is close
/// (for "did you mean" hints).
std::string closest_key(std::string_view key, std::span<const std::string> candidates);

/// Levenshtein distance between `a` and `b` (bytes).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Default histogram bucket bounds: 0.00005 s doubling up to about 26 s (20 buckets).
std::vector<double> default_buckets();

}  // namespace netprom
