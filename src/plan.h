// SPDX-License-Identifier: MIT
// What --check prints: the merged settings and the destinations, for a person to read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "routes.h"
#include "settings.h"

namespace netprom {

/// What the output choice depends on besides the settings.
struct OutputContext {
  std::string output_origin;  ///< setting_origin() of "output": "command line", "PATH:L:C" or ""
  std::string format_origin;  ///< setting_origin() of "format"
  bool at_terminal = false;   ///< standard input, output or error is a terminal: a person runs it
  bool stdout_is_terminal = false;
};

/// Where a run writes, and in which format.
struct OutputChoice {
  std::string path;  ///< "-" = standard output
  OutputFormat format = OutputFormat::prom;
};

/// -o on the command line wins; a configured output is used only when no terminal is attached
/// (the timer's runs), so that a person at a shell never replaces the timer's file by accident;
/// else standard output. Without a --format anywhere, standard output at a terminal gets the
/// table. A table is never written to a file: UsageError when -o or --format is on the command
/// line, else ConfigError at the config's format line. Pure.
OutputChoice choose_output(const Settings& settings, const OutputContext& context);

/// Default gateways turned into targets named "gateway" and "gateway-ipv6" (numbered when a
/// family has several), pinged with the run's settings; only those of ping_family(run) when
/// that is not any.
std::vector<TargetSpec> gateway_targets(const std::vector<Gateway>& gateways, const Settings& run);

/// Whether a run pings the default gateways: no destination is configured anywhere (a file_sd
/// file or a mesh list that gives none is a configured empty list, not a reason to ping them).
bool uses_default_gateways(const Settings& settings);

/// A readable description of the run that `settings` describe. Pure.
std::string render_plan(const Settings& settings, std::string_view config_path, std::string_view output);

}  // namespace netprom
