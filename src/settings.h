// SPDX-License-Identifier: MIT
// Everything one run needs, after defaults, the config file and the command line are merged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "family.h"
#include "socket_address.h"

namespace netprom {

/// --format: the Prometheus text file, or an aligned table for people at a shell.
enum class OutputFormat { prom, table };

/// Mesh coverage, computed from the --mesh list (netprom_mesh_members, netprom_mesh_inbound_peers).
struct MeshCoverage {
  std::size_t members = 0;  ///< members in the list, this host included
  std::size_t inbound = 0;  ///< members whose choice includes this host
};

/// The settings that may differ per destination (the per-target options of options.cc). The
/// run's own values are the defaults of every destination. Defaults here are the documented ones.
struct ProbeSettings {
  int count = 5;
  double interval = 1.0;                    ///< seconds
  double timeout = 2.0;                     ///< seconds
  Family family = Family::any;              ///< for names; a literal has its own
  int size = 56;                            ///< ICMP payload bytes
  std::optional<int> ttl;
  std::optional<int> tos;
  std::optional<std::string> source;        ///< an address literal
  std::optional<std::string> interface;
  bool dont_fragment = false;               ///< -M do: DF set, the local stack never fragments
  bool pmtu = false;                        ///< --pmtu: search the path MTU after the echo requests
};

/// A parsed setting value: bool, whole number, number (seconds), text, or a list of numbers.
using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<double>>;
struct OptionDef;

/// A destination: from the config file, a targets file, the command line or the default
/// route; one record from the config to the pinger.
struct TargetSpec {
  std::string name;    ///< the `dest` label value
  std::string host;    ///< name or address literal
  Family family = Family::any;  ///< the target's own family ([[target]] family, a gateway's); any: the run's
  std::vector<std::pair<std::string, std::string>> labels;  ///< extra labels, validated
  std::string origin;  ///< where it was defined ("netprom.toml:7:1", "command line"), for messages
  /// The per-target settings its [[target]] gave (checked), in file order.
  std::vector<std::pair<const OptionDef*, OptionValue>> overrides;
  /// The effective settings for this destination, set by set_probe_settings (and gateway_targets).
  ProbeSettings probe;
  /// The host as an address when it is an address literal ("198.18.0.2", "fe80::1%eth0"), set
  /// with `probe`: parsed once by set_probe_settings, or a default gateway's own. The pinger
  /// takes it as it is; nullopt: a name, looked up each run.
  std::optional<SocketAddress> address;
};

/// Run settings: the per-destination defaults (ProbeSettings) and the settings of the run.
struct Settings : ProbeSettings {
  std::optional<std::string> output;        ///< nullopt: default path or standard output
  std::optional<std::string> targets_file;  ///< '-' = standard input
  std::vector<std::string> file_sd;         ///< Prometheus file_sd files (JSON or YAML)
  std::optional<std::string> mesh;          ///< the fleet's member list, a file_sd file
  std::optional<std::string> self;          ///< this host's name in the list (default: host name)
  std::optional<int> mesh_peers;            ///< members each member pings (default: all others)
  double deadline = 50.0;                   ///< seconds
  std::optional<double> rate;
  std::optional<std::string> state_dir;
  std::vector<double> buckets;              ///< empty: default layout
  bool no_ping = false;
  bool no_interfaces = false;
  std::optional<std::string> interface_include;
  std::optional<std::string> interface_exclude;
  OutputFormat format = OutputFormat::prom;
  std::vector<TargetSpec> targets;
  /// --label / top-level `labels`: constant labels on every series of the run, validated.
  std::vector<std::pair<std::string, std::string>> labels;
  /// Filled from the --mesh list with its peers (add_target_sources()), not written by a user.
  std::optional<MeshCoverage> mesh_coverage;
};

}  // namespace netprom
