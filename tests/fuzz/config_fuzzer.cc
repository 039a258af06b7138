// SPDX-License-Identifier: MIT
// libFuzzer target: parse_config() over arbitrary bytes, then merge_settings() over what it accepted.
// ConfigError is the one allowed failure, and its message must lead with "PATH:LINE:COLUMN: ".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "config.h"
#include "errors.h"
#include "fuzz_check.h"
#include "targets.h"

using netprom::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kPath = "fuzz.toml";
  netprom::ConfigFile config;
  try {
    config = netprom::parse_config(netprom::fuzz::as_text(data, size), kPath);
  } catch (const netprom::ConfigError& error) {
    std::string_view message = error.what();
    check(message.starts_with("fuzz.toml:"), "ConfigError does not start with the path");
    return 0;
  }
  // Whatever was accepted is what a run would use: every target passes the same checks as a
  // command-line DEST, names are unique, and merging over an empty command line cannot fail.
  for (const netprom::TargetSpec& target : config.targets) {
    netprom::check_target(target);  // throws OptionValueError, which would escape as a crash
    check(target.origin.starts_with("fuzz.toml:"), "target origin does not name the file");
  }
  check(netprom::duplicate_name_problem(config.targets).second == nullptr, "duplicate target accepted");
  for (const auto& [def, value] : config.assignments) {
    check(def != nullptr, "assignment without an option");
    netprom::check_option_value(*def, value);  // what parse_config accepted must re-check clean
  }
  netprom::Settings settings = netprom::merge_settings(config, netprom::CommandLine{}, std::nullopt);
  check(settings.targets.size() == config.targets.size(), "merge lost targets");
  return 0;
}
