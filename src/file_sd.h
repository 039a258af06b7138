// SPDX-License-Identifier: MIT
// Targets from Prometheus's file_sd format (JSON or YAML), the same file a fleet's Prometheus and
// blackbox_exporter read: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#file_sd_config
#pragma once

#include <string_view>
#include <vector>

#include "settings.h"

namespace netprom {

/// Parses one file_sd file: a list of target groups, each `{"targets": [...], "labels": {...}}`.
/// The format is chosen by `path`'s ending: ".json" (nlohmann-json) or ".yml"/".yaml" (yaml-cpp).
/// Pure: `text` is the file's content, `path` is only used for the format and in messages.
///
/// Each target is "host", "host:port" or "[v6]:port" (the port is dropped; a bare IPv6 literal
/// such as "fd00::1" is a host). Each group's labels become labels of its targets, except that
/// labels starting with "__" are dropped, labels with an empty value are dropped (Prometheus
/// treats them as absent), and the label `name` is the target's name (the `dest` label; the host
/// when there is none) instead of an extra label. Label names must pass label_name_problem() and
/// values label_value_problem() (targets.h). A group without `targets` (or with null) has no
/// targets; an empty YAML document is an empty list, as in Prometheus.
///
/// Returns the targets in file order, with family Family::any, labels sorted by name and `origin`
/// "PATH:LINE:COLUMN" of the target's string. Throws ConfigError "PATH:LINE:COLUMN: reason" for a
/// syntax error (the parser's position), a wrong shape (not a list of groups, an unknown key in a
/// group, a repeated key, targets not a list of strings, a label value not a string), an empty
/// target, a port that is not a number from 0 to 65535, a URL, a bad host or label, or two
/// targets with the same name within the file; and "PATH: reason" for an unknown file ending.
std::vector<TargetSpec> parse_file_sd(std::string_view text, std::string_view path);

}  // namespace netprom
