// SPDX-License-Identifier: MIT
// --check: what this host says about a run (default gateways, ICMP sockets, writable
// directories, -I and --source), and the exit status the run would have by it.
#pragma once

#include <string>
#include <vector>

#include "settings.h"

namespace netprom {

/// What --check found out; each problem is one line, empty when there is none.
struct HostFacts {
  std::vector<TargetSpec> gateways;  ///< the default gateways a run without destinations pings
  std::string gateway_problem;       ///< the routes could not be read
  std::string icmp_problem;          ///< no permission for ICMP sockets: exit 77
  std::string output_problem;        ///< the output directory is not writable: exit 73
  std::string socket_problem;        ///< -I or --source does not work on this host: exit 1
  std::string state_problem;         ///< the state directory cannot be used: exit 74
};

/// Asks the host, for a run of `settings` writing `output` ("-": standard output): reads the
/// default gateways when there is no destination, opens and closes an ICMP socket of each
/// family the run may use (with -I, --source, --ttl and --tos applied), and checks that the
/// output and state directories are writable. Writes nothing.
HostFacts probe_host(const Settings& settings, const std::string& output);

/// The exit status a run would have by `facts`, in a run's precedence: 77, else 73, else 1
/// (the ping collector would fail), else 74, else 0. Pure.
int plan_status(const HostFacts& facts);

/// The facts as lines for --check: the default gateways (when `no_destinations`), then
/// "ok" or each problem. Pure.
std::string render_host_facts(const HostFacts& facts, bool no_destinations);

}  // namespace netprom
