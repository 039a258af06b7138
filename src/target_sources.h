// SPDX-License-Identifier: MIT
// Destinations from Prometheus file_sd files (--file-sd) and from the fleet's member list
// (--mesh), as TargetSpecs beside those of the command line, the config and the targets file.
// Pure over the files' text: reading a file is the caller's seam.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "settings.h"

namespace netprom {

/// Reads a whole file (`role` names it in messages: "file_sd file"). Throws ConfigError.
using ReadFile = std::function<std::string(const std::string& path, std::string_view role)>;

/// The fleet mesh as one member sees it.
struct Mesh {
  std::string path;                ///< the list, for messages and --check
  std::vector<TargetSpec> members; ///< in list order; a member's name is its `name` label or host
  std::vector<std::string> names;  ///< members[i].name
  std::size_t self = 0;            ///< this host's index in members
  std::size_t k = 0;               ///< peers each member pings: min(--mesh-peers, members - 1)
};

/// Parses the member list (a file_sd file, see parse_file_sd()) and finds `self` in it.
/// `self_from_host_name`: `self` is the system's host name, not --self (for the message).
/// `peers` is --mesh-peers (nullopt: every other member). Throws ConfigError from
/// parse_file_sd(), or "PATH: ... is not a member of the list (N members); nearest: A, B, C".
Mesh parse_mesh(std::string_view text, std::string_view path, std::string_view self, bool self_from_host_name,
                std::optional<int> peers);

/// The members `mesh.self` pings (rendezvous hashing, mesh.h), best first, as targets: `dest`
/// is the member's name, the labels are its group's.
std::vector<TargetSpec> mesh_peer_targets(const Mesh& mesh);

/// Appends the targets of every settings.file_sd file, then (with settings.mesh) this host's
/// mesh peers to settings.targets, and sets settings.mesh_coverage. `host_name` is --self's
/// default. Throws ConfigError for a file that cannot be read or parsed, a name that another
/// destination already has, or a target label that a constant label (--label) also sets.
/// Returns the mesh when settings.mesh is set.
std::optional<Mesh> add_target_sources(Settings& settings, const ReadFile& read, std::string_view host_name);

/// For --check with --mesh: a summary line, then every member's choice, one line each
/// ("  NAME -> PEER PEER ...  (watched by N)"). Pure.
std::string render_mesh_plan(const Mesh& mesh);

}  // namespace netprom
