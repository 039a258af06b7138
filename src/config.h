// SPDX-License-Identifier: MIT
// The TOML config file: every option's long name is a key ('-' or '_'), plus [[target]] tables.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.h"
#include "options.h"
#include "settings.h"

namespace netprom {

/// What a config file said.
struct ConfigFile {
  std::vector<std::pair<const OptionDef*, OptionValue>> assignments;
  std::vector<TargetSpec> targets;  ///< [[target]] entries, checked, names unique
  std::string path;                 ///< the file, as given (relative targets_file is read beside it)
  std::map<std::string, std::string, std::less<>> origins;  ///< config key -> "PATH:LINE:COLUMN" of its value
};

/// Parses and validates config text; `path` is used in messages only. Pure.
/// Throws ConfigError "PATH:LINE:COLUMN: reason" (unknown keys come with a did-you-mean).
ConfigFile parse_config(std::string_view text, std::string_view path);

/// Default config path, used when it exists and no --config was given.
inline constexpr std::string_view kDefaultConfigPath = "/etc/netprom.toml";

/// Merges defaults, then the config file, then the command line (the command line wins;
/// DESTs or --targets-file on the command line replace the config's [[target]] list).
/// `file_targets` are the targets read from --targets-file, if any. The targets' effective
/// settings (TargetSpec::probe) are not set here: set_probe_settings() sets them once every
/// target is known. Throws UsageError for conflicts that involve the command line.
Settings merge_settings(const ConfigFile& config, const CommandLine& cl,
                        std::optional<std::vector<TargetSpec>> file_targets);

/// Sets the effective ProbeSettings of every target in settings.targets: the run's values,
/// then the target's own [[target]] overrides except where the command line set that setting
/// (the command line wins), then the target's own family (which wins over -4/-6, as a
/// literal's does); and its address (TargetSpec::address) when its host is an address
/// literal. Called once, after merge_settings() and add_target_sources().
void set_probe_settings(Settings& settings, const CommandLine& cl);

/// Where a setting's value came from: "command line", the config file's "PATH:LINE:COLUMN",
/// or "" for the default. `key` is the long name or the config key.
std::string setting_origin(const ConfigFile& config, const CommandLine& cl, std::string_view key);

/// For --check: "settings:", then each setting that is not a default with where it came from
/// (setting_origin()), one a line, then "  every other setting: default". Pure.
std::string render_setting_origins(const ConfigFile& config, const CommandLine& cl);

/// check_settings() with the blame placed: a rule broken by a value on the command line is a
/// UsageError; one decided by the config file alone is a ConfigError "PATH:LINE:COLUMN: ..."
/// at the first setting the reason names, in the config's spelling.
void check_merged_settings(const Settings& settings, const ConfigFile& config, const CommandLine& cl);

}  // namespace netprom
