// SPDX-License-Identifier: MIT
// What --check prints: the merged settings and the destinations, for a person to read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "routes.h"
#include "settings.h"

namespace netprom {

/// The resolved output path: --output, else the Debian textfile directory's netprom.prom when
/// `textfile_dir_exists`, else "-" (standard output). --format table defaults to "-".
std::string choose_output(const Settings& settings, bool textfile_dir_exists);

/// Default gateways turned into targets named "gateway" and "gateway-ipv6" (numbered when a
/// family has several), pinged with the run's settings `run`.
std::vector<TargetSpec> gateway_targets(const std::vector<Gateway>& gateways, const ProbeSettings& run);

/// A readable description of the run that `settings` describe. Pure.
std::string render_plan(const Settings& settings, std::string_view config_path, std::string_view output);

/// The directory node_exporter's Debian package reads textfiles from.
inline constexpr std::string_view kTextfileDir = "/var/lib/prometheus/node-exporter";

}  // namespace netprom
