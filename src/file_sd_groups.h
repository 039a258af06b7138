// SPDX-License-Identifier: MIT
// The target groups of a Prometheus file_sd file as written, JSON or YAML, each string with its
// position in the file; file_sd.cc turns them into checked targets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace netprom {

/// How a target may be written, for messages.
inline constexpr std::string_view kTargetForms = "a target is host, host:port or [v6]:port";

/// One target string as written; `where` is "PATH:LINE:COLUMN" of the string.
struct RawTarget {
  std::string text;
  std::string where;
};
/// One label of a group as written; `where` is "PATH:LINE:COLUMN" of its name.
struct RawLabel {
  std::string name;
  std::string value;
  std::string where;
};
/// One target group, before its targets are split and checked.
struct RawGroup {
  std::vector<RawTarget> targets;
  std::vector<RawLabel> labels;
};

/// Reads the groups of one file_sd file, in file order; the format is chosen by `path`'s ending:
/// ".json" (nlohmann-json, read with its SAX parser for positions and repeated keys) or
/// ".yml"/".yaml" (yaml-cpp; any scalar is a string, an empty document no groups). Pure: `path`
/// is only used for the format and in messages. Throws ConfigError "PATH:LINE:COLUMN: reason"
/// for a syntax error or a wrong shape (not a list of groups, an unknown or repeated key,
/// targets not a list of strings, a label value not a string), "PATH: reason" for an unknown
/// file ending.
std::vector<RawGroup> parse_file_sd_groups(std::string_view text, std::string_view path);

}  // namespace netprom
