// SPDX-License-Identifier: MIT
// --interface-include / --interface-exclude: RE2 patterns matched against whole names.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace netprom {

/// Decides which interfaces are reported. Both patterns are RE2 syntax, the dialect of
/// node_exporter's device include/exclude, and must match the whole name. RE2 matches in time
/// linear in the name, whatever the pattern ("((.*)*)*z" included).
class InterfaceFilter {
 public:
  /// Compiles each pattern once. Throws std::invalid_argument with RE2's reason on a bad pattern
  /// (the option layer has checked them already, naming the option or file:line).
  InterfaceFilter(const std::optional<std::string>& include, const std::optional<std::string>& exclude);
  ~InterfaceFilter();
  InterfaceFilter(InterfaceFilter&&) noexcept;
  InterfaceFilter& operator=(InterfaceFilter&&) noexcept;

  /// True when `name` matches include (or there is none) and does not match exclude.
  bool keep(std::string_view name) const;

 private:
  std::unique_ptr<const re2::RE2> include_;
  std::unique_ptr<const re2::RE2> exclude_;
};

/// Why `pattern` is not a valid RE2 pattern (RE2's own words), or empty when it is fine.
std::string interface_pattern_problem(const std::string& pattern);

}  // namespace netprom
