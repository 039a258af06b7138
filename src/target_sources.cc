// SPDX-License-Identifier: MIT
#include "target_sources.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "errors.h"
#include "file_sd.h"
#include "mesh.h"
#include "options.h"
#include "targets.h"

namespace netprom {
namespace {

// Up to three member names closest to `name` by edit distance (ties in list order).
std::string nearest_names(std::string_view name, const std::vector<std::string>& names) {
  std::vector<std::pair<std::size_t, std::size_t>> by_distance;  // (distance, index)
  by_distance.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) by_distance.emplace_back(edit_distance(name, names[i]), i);
  std::size_t take = std::min<std::size_t>(3, by_distance.size());
  std::partial_sort(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(take), by_distance.end());
  std::string out;
  for (std::size_t i = 0; i < take; ++i) out += fmt::format("{}{}", i ? ", " : "", names[by_distance[i].second]);
  return out.empty() ? "none, the list is empty" : out;
}

}  // namespace

Mesh parse_mesh(std::string_view text, std::string_view path, std::string_view self, bool self_from_host_name,
                std::optional<int> peers) {
  Mesh mesh;
  mesh.path = std::string(path);
  mesh.members = parse_file_sd(text, path);
  mesh.names.reserve(mesh.members.size());
  for (const TargetSpec& m : mesh.members) mesh.names.push_back(m.name);
  auto it = std::find(mesh.names.begin(), mesh.names.end(), self);
  if (it == mesh.names.end())
    throw ConfigError(fmt::format("{}: {} '{}' is not a member of the list ({} members); nearest: {}{}", path,
                                  self_from_host_name ? "this host's name" : "--self", self, mesh.names.size(),
                                  nearest_names(self, mesh.names),
                                  self_from_host_name ? "; give --self NAME" : ""));
  mesh.self = static_cast<std::size_t>(it - mesh.names.begin());
  const std::size_t others = mesh.names.size() - 1;
  mesh.k = peers ? std::min(static_cast<std::size_t>(*peers), others) : others;
  return mesh;
}

std::vector<TargetSpec> mesh_peer_targets(const Mesh& mesh) {
  std::vector<TargetSpec> peers;
  for (std::size_t i : choose_peers(mesh.names, mesh.names[mesh.self], mesh.k)) peers.push_back(mesh.members[i]);
  return peers;
}

std::optional<Mesh> add_target_sources(Settings& s, const ReadFile& read, std::string_view host_name) {
  const std::size_t before = s.targets.size();
  for (const std::string& file : s.file_sd) {
    std::vector<TargetSpec> targets = parse_file_sd(read(file, "file_sd file"), file);
    std::move(targets.begin(), targets.end(), std::back_inserter(s.targets));
  }
  std::optional<Mesh> mesh;
  if (s.mesh) {
    mesh = parse_mesh(read(*s.mesh, "mesh list"), *s.mesh, s.self.value_or(std::string(host_name)), !s.self,
                      s.mesh_peers);
    std::vector<TargetSpec> peers = mesh_peer_targets(*mesh);
    std::move(peers.begin(), peers.end(), std::back_inserter(s.targets));
    s.mesh_coverage = MeshCoverage{mesh->names.size(), inbound_peers(mesh->names, mesh->names[mesh->self], mesh->k)};
  }
  if (s.targets.size() == before) return mesh;
  // The earlier destinations were checked together already; an offender is one added here.
  if (auto [problem, target] = duplicate_name_problem(s.targets); target)
    throw ConfigError(fmt::format("{}: {}", target->origin, problem));
  if (std::string problem = label_clash_problem(s); !problem.empty()) throw ConfigError(problem);
  return mesh;
}

std::string render_mesh_plan(const Mesh& mesh) {
  const std::vector<std::vector<std::size_t>> all = choose_all_peers(mesh.names, mesh.k);
  std::vector<std::size_t> inbound(mesh.names.size());
  for (const std::vector<std::size_t>& choice : all)
    for (std::size_t peer : choice) ++inbound[peer];
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "mesh: {}, {} members, each pings {}; this host is {}, watched by {}\n", mesh.path,
                 mesh.names.size(), mesh.k, mesh.names[mesh.self], inbound[mesh.self]);
  for (std::size_t i = 0; i < all.size(); ++i) {
    fmt::format_to(it, "  {} ->", mesh.names[i]);
    for (std::size_t peer : all[i]) fmt::format_to(it, " {}", mesh.names[peer]);
    fmt::format_to(it, "   (watched by {})\n", inbound[i]);
  }
  return out;
}

}  // namespace netprom
