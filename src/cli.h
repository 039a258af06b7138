// SPDX-License-Identifier: MIT
// The command line: cxxopts built from the option table, so --help and parsing share one source.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "options.h"

namespace netprom {

/// What the command line said, before it is merged over the config file.
struct CommandLine {
  std::vector<std::pair<const OptionDef*, OptionValue>> assignments;  ///< in table order
  std::vector<std::string> dests;          ///< positional DEST arguments
  std::optional<std::string> config_path;  ///< --config
  bool help = false;
  bool version = false;
  bool check = false;
};

/// Parses argv. Throws UsageError with a one-line reason naming the option.
CommandLine parse_command_line(int argc, const char* const* argv);

/// argv[1..] with every option in its long form and its value attached ("-4c3" -> "--ipv4",
/// "--count=3"; "-i0.2" and "-i 0.2" -> "--interval=0.2"); words after "--" and destinations
/// are kept as they are. Throws UsageError for an unknown option (a misspelt long one with
/// "did you mean") or a missing value.
std::vector<std::string> normalize_arguments(int argc, const char* const* argv);

/// The --help text (from the option table), ending in a newline.
std::string help_text();

}  // namespace netprom
