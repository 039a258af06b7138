// SPDX-License-Identifier: MIT
#include "interface_filter.h"

#include <stdexcept>

#include <re2/re2.h>

namespace netprom {
namespace {

// Quiet: RE2 would otherwise log a bad pattern to stderr itself; the caller reports it.
std::unique_ptr<const re2::RE2> compile(const std::optional<std::string>& pattern) {
  if (!pattern) return nullptr;
  auto re = std::make_unique<const re2::RE2>(*pattern, re2::RE2::Quiet);
  if (!re->ok()) throw std::invalid_argument(re->error());
  return re;
}

}  // namespace

InterfaceFilter::InterfaceFilter(const std::optional<std::string>& include,
                                 const std::optional<std::string>& exclude)
    : include_(compile(include)), exclude_(compile(exclude)) {}

InterfaceFilter::~InterfaceFilter() = default;
InterfaceFilter::InterfaceFilter(InterfaceFilter&&) noexcept = default;
InterfaceFilter& InterfaceFilter::operator=(InterfaceFilter&&) noexcept = default;

bool InterfaceFilter::keep(std::string_view name) const {
  if (include_ && !re2::RE2::FullMatch(name, *include_)) return false;
  if (exclude_ && re2::RE2::FullMatch(name, *exclude_)) return false;
  return true;
}

std::string interface_pattern_problem(const std::string& pattern) {
  re2::RE2 re(pattern, re2::RE2::Quiet);
  return re.ok() ? std::string() : re.error();
}

}  // namespace netprom
