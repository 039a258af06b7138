// SPDX-License-Identifier: MIT
#include "file_sd.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "errors.h"
#include "file_sd_groups.h"
#include "options.h"
#include "targets.h"

namespace netprom {
namespace {

[[noreturn]] void fail(std::string_view where, std::string_view what) {
  throw ConfigError(fmt::format("{}: {}", where, what));
}

void check_port(std::string_view port, std::string_view target, std::string_view where) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
    fail(where, fmt::format("port '{}' of target '{}' is not a number from 0 to 65535", port, target));
}

// The host of "host", "host:port" or "[v6]:port". More than one ':' without brackets is a bare
// IPv6 literal (as Prometheus's own targets may not be, but a ping target may), so "fd00::1:80"
// is the host fd00::1:80, not port 80.
std::string host_of(std::string_view target, std::string_view where) {
  if (target.empty()) fail(where, fmt::format("empty target; {}", kTargetForms));
  if (target.find("://") != std::string_view::npos)
    fail(where, fmt::format("target '{}' is a URL; {}", target, kTargetForms));
  if (target.front() == '[') {
    auto close = target.find(']');
    if (close == std::string_view::npos) fail(where, fmt::format("target '{}' has '[' without ']'", target));
    std::string_view host = target.substr(1, close - 1);
    std::string_view rest = target.substr(close + 1);
    if (host.empty()) fail(where, fmt::format("target '{}' has no address between '[' and ']'", target));
    if (!rest.empty()) {
      if (rest.front() != ':') fail(where, fmt::format("target '{}': expected ':PORT' after ']'", target));
      check_port(rest.substr(1), target, where);
    }
    return std::string(host);
  }
  auto colon = target.find(':');
  if (colon == std::string_view::npos || target.find(':', colon + 1) != std::string_view::npos)
    return std::string(target);
  if (colon == 0) fail(where, fmt::format("target '{}' has no host before ':'", target));
  check_port(target.substr(colon + 1), target, where);
  return std::string(target.substr(0, colon));
}

// Turns one group into targets. Label checks come first and point at the label, so a bad label
// in a group without targets is still reported.
void add_group(const RawGroup& group, std::vector<TargetSpec>& out) {
  std::optional<std::string> name;
  std::vector<std::pair<std::string, std::string>> labels;
  for (const RawLabel& label : group.labels) {
    if (label.name.starts_with("__")) continue;  // Prometheus's meta labels, dropped as relabelling would
    if (label.name != "name")
      if (auto p = label_name_problem(label.name); !p.empty()) fail(label.where, p);
    if (auto p = label_value_problem(label.value); !p.empty())
      fail(label.where, fmt::format("label '{}': {}", label.name, p));
    if (label.value.empty()) continue;
    if (label.name == "name")
      name = label.value;
    else
      labels.emplace_back(label.name, label.value);
  }
  std::sort(labels.begin(), labels.end());
  for (const RawTarget& raw : group.targets) {
    TargetSpec target;
    target.host = host_of(raw.text, raw.where);
    target.name = name ? *name : target.host;
    target.labels = labels;
    target.origin = raw.where;
    try {
      check_target(target);
    } catch (const OptionValueError& e) {
      fail(raw.where, e.what());
    }
    out.push_back(std::move(target));
  }
}

}  // namespace

std::vector<TargetSpec> parse_file_sd(std::string_view text, std::string_view path) {
  const std::vector<RawGroup> groups = parse_file_sd_groups(text, path);
  std::vector<TargetSpec> targets;
  for (const RawGroup& group : groups) add_group(group, targets);
  if (auto [problem, offender] = duplicate_name_problem(targets); offender)
    fail(offender->origin, problem);
  return targets;
}

}  // namespace netprom
