// SPDX-License-Identifier: MIT
#include "host_probe.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

#include "collect.h"
#include "icmp_socket.h"
#include "ping_sockets.h"
#include "plan.h"
#include "resolve.h"
#include "routes.h"
#include "targets.h"

namespace netprom {
namespace {

// Why `dir` cannot take new files, or empty; a missing one counts as its parent's when
// `may_create` (netprom makes the state directory).
std::string unwritable(const std::string& dir, bool may_create) {
  if (::access(dir.c_str(), W_OK | X_OK) == 0) return {};
  const int error = errno;
  if (error == ENOENT && may_create) {
    std::string parent = std::filesystem::path(dir).parent_path().string();
    return unwritable(parent.empty() ? "." : parent, false);
  }
  return fmt::format("{} is not writable: {}", dir, std::strerror(error));
}

std::string directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

}  // namespace

HostFacts probe_host(const Settings& s, const std::string& output) {
  HostFacts facts;
  if (output != "-")
    if (std::string p = unwritable(directory_of(output), false); !p.empty())
      facts.output_problem = "output directory " + p;
  if (s.no_ping) return facts;
  if (s.state_dir)
    if (std::string p = unwritable(*s.state_dir, true); !p.empty()) facts.state_problem = "state directory " + p;
  if (uses_default_gateways(s)) {
    try {
      facts.gateways = gateway_targets(read_default_gateways(), s);
    } catch (const std::exception& e) {
      facts.gateway_problem = fmt::format("cannot read the default gateways: {}", e.what());
    }
  }
  IcmpSocketOptions options;
  options.ttl = s.ttl;
  options.tos = s.tos;
  options.interface = s.interface;
  if (s.source) options.source = parse_address_literal(*s.source);
  // The families a run opens sockets for, as the pinger plans them.
  bool needed[2] = {false, false};
  const SocketPlan plan = plan_sockets(s.targets.empty() ? facts.gateways : s.targets);
  for (const std::uint16_t slot : plan.open_order) needed[plan.sockets[slot].family == Family::v6] = true;
  for (const Family f : {Family::v4, Family::v6}) {
    if (!needed[f == Family::v6]) continue;
    try {
      open_icmp_socket(f, options);
    } catch (const IcmpPermissionError& e) {
      facts.icmp_problem = e.what();
      break;
    } catch (const std::system_error& e) {
      if (e.code() == std::errc::address_family_not_supported) continue;  // no IPv6 here: its sends fail
      if (facts.socket_problem.empty()) facts.socket_problem = e.what();
    }
  }
  return facts;
}

int plan_status(const HostFacts& f) {
  if (!f.icmp_problem.empty()) return exit_status::kNoPerm;
  if (!f.output_problem.empty()) return exit_status::kCantCreate;
  if (!f.socket_problem.empty() || !f.gateway_problem.empty()) return exit_status::kFailed;
  if (!f.state_problem.empty()) return exit_status::kHistory;
  return exit_status::kOk;
}

std::string render_host_facts(const HostFacts& f, bool no_destinations) {
  std::string out;
  auto it = std::back_inserter(out);
  if (no_destinations && f.gateway_problem.empty()) {
    if (f.gateways.empty()) out += "default gateways: none (nothing to ping)\n";
    for (const TargetSpec& g : f.gateways) fmt::format_to(it, "default gateway: {} -> {}\n", g.name, g.host);
  }
  const int status = plan_status(f);
  for (const std::string* p : {&f.icmp_problem, &f.output_problem, &f.socket_problem, &f.gateway_problem,
                               &f.state_problem})
    if (!p->empty()) fmt::format_to(it, "problem: {}\n", *p);
  fmt::format_to(it, "host: {} (a run would exit {})\n", status == exit_status::kOk ? "ready" : "not ready", status);
  return out;
}

}  // namespace netprom
