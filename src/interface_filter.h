// SPDX-License-Identifier: MIT
// --interface-include / --interface-exclude: regular expressions matched against whole names.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace netprom {

/// Decides which interfaces are reported. Both patterns are ECMAScript and must match the
/// whole name (as node_exporter's device include/exclude do).
class InterfaceFilter {
 public:
  /// Throws std::regex_error on a bad pattern (the option layer has validated them already).
  InterfaceFilter(const std::optional<std::string>& include, const std::optional<std::string>& exclude);
  /// True when `name` matches include (or there is none) and does not match exclude.
  bool keep(std::string_view name) const;

 private:
  std::optional<std::regex> include_;
  std::optional<std::regex> exclude_;
};

}  // namespace netprom
