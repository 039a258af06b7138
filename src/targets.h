// SPDX-License-Identifier: MIT
// Destinations: "HOST" / "NAME=HOST" strings, targets files, and the checks every target passes
// wherever it was written (label names, label values, duplicates).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "settings.h"

namespace netprom {

/// Parses one DEST ("HOST" or "NAME=HOST"). `origin` names where it came from for messages.
/// Throws OptionValueError with the reason.
TargetSpec parse_dest(std::string_view text, std::string origin);

/// Parses a targets file: one DEST a line, blank lines and '#' comments ignored.
/// Throws ConfigError "PATH:LINE:COLUMN: reason", or "PATH: ..." when it holds no destination.
std::vector<TargetSpec> parse_targets_file(std::string_view text, std::string_view path);

/// Why `name` is not a usable extra label name (Prometheus syntax, not reserved, not one of
/// netprom's own), or empty when it is fine.
std::string label_name_problem(std::string_view name);

/// Why `value` cannot be a label value (Prometheus wants valid UTF-8), or empty when fine.
std::string label_value_problem(std::string_view value);

/// Why NAME=VALUE cannot be a constant label (--label): label_name_problem(), a name netprom's
/// own series use (device, collector, version), or a value that is not UTF-8; empty when fine.
std::string constant_label_problem(std::string_view name_equals_value);

/// Adds a checked NAME=VALUE to the run's constant labels; a later one of the same name
/// replaces the earlier (the command line wins over the config file).
void add_constant_label(Settings& settings, std::string_view name_equals_value);

/// Why a target's own label cannot go with the constant labels (same name), or empty.
std::string label_clash_problem(const Settings& settings);

/// Checks the target's name, host and labels. Throws OptionValueError with the reason.
void check_target(const TargetSpec& target);

/// Checks what only the merged settings and this host can tell: an address literal of the
/// family that -4/-6 (or the target's own family) excludes, and an IPv6 %zone that names no
/// interface (`interface_exists` is the seam: if_nametoindex in the binary). Throws UsageError
/// "destination 'HOST': ..." for a destination from the command line, ConfigError
/// "ORIGIN: ..." (file:line:column) for one from a file.
void check_destinations(const std::vector<TargetSpec>& targets, Family family,
                        const std::function<bool(const std::string&)>& interface_exists);

/// The family of an address literal ("198.18.0.1", "fd00::1%eth0"); any for a name.
Family literal_family(std::string_view host);

/// The family names resolve to with these settings: -4/-6 (or a target's own family), else
/// the source address's, else any. Pure.
Family ping_family(const ProbeSettings& settings);

/// Checks that no destination is of the other family than the --source address `source`: an
/// address literal, or a target whose `family` says so (names resolve to the source's family).
/// Throws UsageError "destination 'HOST': ..." when the destination or the source is on the
/// command line, else ConfigError "ORIGIN: ..." at the destination.
void check_source_family(const std::vector<TargetSpec>& targets, const std::string& source,
                         bool source_on_command_line);

/// Why a target or constant label `name` would not survive a scrape (Prometheus sets `job` and
/// `instance` itself), or empty.
std::string scrape_label_problem(std::string_view name);

/// Why the targets cannot go together (two share a name: "duplicate target name 'x' (first at
/// ORIGIN)"), with the later offender; {empty, nullptr} when they are fine.
std::pair<std::string, const TargetSpec*> duplicate_name_problem(const std::vector<TargetSpec>& targets);

}  // namespace netprom
