// SPDX-License-Identifier: MIT
// libFuzzer target: parse_targets_file() over arbitrary bytes. ConfigError ("PATH:LINE:COLUMN: ...")
// is the one allowed failure; every accepted target must pass check_target().
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "errors.h"
#include "fuzz_check.h"
#include "targets.h"

using netprom::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = netprom::fuzz::as_text(data, size);
  std::vector<netprom::TargetSpec> targets;
  try {
    targets = netprom::parse_targets_file(text, "fuzz.targets");
  } catch (const netprom::ConfigError& error) {
    check(std::string_view(error.what()).starts_with("fuzz.targets:"), "ConfigError does not start with the path");
    return 0;
  }
  for (const netprom::TargetSpec& target : targets) {
    netprom::check_target(target);
    check(target.origin.starts_with("fuzz.targets:"), "target origin does not name the file");
    check(target.host.find_first_of(" \t\r\n#") == std::string::npos, "host holds a separator");
  }
  return 0;
}
