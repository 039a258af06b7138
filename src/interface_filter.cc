// SPDX-License-Identifier: MIT
#include "interface_filter.h"

namespace netprom {

InterfaceFilter::InterfaceFilter(const std::optional<std::string>& include,
                                 const std::optional<std::string>& exclude) {
  if (include) include_.emplace(*include, std::regex::ECMAScript | std::regex::optimize);
  if (exclude) exclude_.emplace(*exclude, std::regex::ECMAScript | std::regex::optimize);
}

bool InterfaceFilter::keep(std::string_view name) const {
  if (include_ && !std::regex_match(name.begin(), name.end(), *include_)) return false;
  if (exclude_ && std::regex_match(name.begin(), name.end(), *exclude_)) return false;
  return true;
}

}  // namespace netprom
