// SPDX-License-Identifier: MIT
// The TOML config file: every option's long name is a key ('-' or '_'), plus [[target]] tables.
#pragma once

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
};

/// Parses and validates config text; `path` is used in messages only. Pure.
/// Throws ConfigError "PATH:LINE:COLUMN: reason" (unknown keys come with a did-you-mean).
ConfigFile parse_config(std::string_view text, std::string_view path);

/// Default config path, used when it exists and no --config was given.
inline constexpr std::string_view kDefaultConfigPath = "/etc/netprom.toml";

/// Merges defaults, then the config file, then the command line (the command line wins;
/// DESTs or --targets-file on the command line replace the config's [[target]] list).
/// `file_targets` are the targets read from --targets-file, if any. Throws UsageError
/// for conflicts that involve the command line.
Settings merge_settings(const ConfigFile& config, const CommandLine& cl,
                        std::optional<std::vector<TargetSpec>> file_targets);

}  // namespace netprom
