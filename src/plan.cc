// SPDX-License-Identifier: MIT
#include "plan.h"

#include <iterator>

#include <fmt/format.h>

#include "errors.h"
#include "exposition.h"
#include "options.h"
#include "targets.h"

namespace netprom {

OutputChoice choose_output(const Settings& s, const OutputContext& c) {
  const bool on_command_line = c.output_origin == "command line";
  OutputChoice choice{s.output && (on_command_line || !c.at_terminal) ? *s.output : "-", s.format};
  if (c.format_origin.empty()) choice.format = choice.path == "-" && c.stdout_is_terminal ? OutputFormat::table
                                                                                           : OutputFormat::prom;
  if (choice.format == OutputFormat::prom || choice.path == "-") return choice;
  const std::string why = fmt::format("a table cannot be written to {} (node_exporter reads only the prom format)",
                                      choice.path);
  if (on_command_line || c.format_origin == "command line")
    throw UsageError(fmt::format("--format table: {}; leave out -o or use --format prom", why));
  throw ConfigError(fmt::format("{}: format = \"table\": {}; remove it or the output", c.format_origin, why));
}

std::vector<TargetSpec> gateway_targets(const std::vector<Gateway>& gateways, const Settings& run) {
  std::vector<TargetSpec> targets;
  int v4 = 0, v6 = 0;
  for (const Gateway& g : gateways) {
    if (const Family only = ping_family(run); only != Family::any && g.family != only) continue;
    int n = g.family == Family::v6 ? ++v6 : ++v4;
    std::string name = g.family == Family::v6 ? "gateway-ipv6" : "gateway";
    if (n > 1) name += fmt::format("-{}", n);
    targets.push_back(TargetSpec{.name = name, .host = format_address(g.address), .family = g.family, .labels = {},
                                 .origin = "default route", .overrides = {},
                                 .probe = run, .address = g.address});
    targets.back().probe.family = g.family;
  }
  return targets;
}

bool uses_default_gateways(const Settings& s) { return s.targets.empty() && s.file_sd.empty() && !s.mesh; }

namespace {

// The settings of `p` that differ from the run's `run`, as ", count 3, ttl 2" (empty: none).
std::string probe_differences(const ProbeSettings& p, const ProbeSettings& run) {
  std::string out;
  auto it = std::back_inserter(out);
  if (p.count != run.count) fmt::format_to(it, ", count {}", p.count);
  if (p.interval != run.interval) fmt::format_to(it, ", interval {} s", p.interval);
  if (p.timeout != run.timeout) fmt::format_to(it, ", timeout {} s", p.timeout);
  if (p.size != run.size) fmt::format_to(it, ", {} bytes", p.size);
  if (p.ttl != run.ttl) fmt::format_to(it, ", ttl {}", p.ttl ? std::to_string(*p.ttl) : "system default");
  if (p.tos != run.tos) fmt::format_to(it, ", tos {}", p.tos.value_or(0));
  if (p.source != run.source) fmt::format_to(it, ", from {}", p.source.value_or("any address"));
  if (p.interface != run.interface) fmt::format_to(it, ", via {}", p.interface.value_or("any interface"));
  if (p.dont_fragment != run.dont_fragment) fmt::format_to(it, ", {}", p.dont_fragment ? "don't fragment" : "may fragment");
  return out;
}

}  // namespace

std::string render_plan(const Settings& s, std::string_view config_path, std::string_view output) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "config: {}\n", config_path.empty() ? "none" : config_path);
  fmt::format_to(it, "output: {}\n", output == "-" ? "standard output" : output);
  fmt::format_to(it, "format: {}\n", s.format == OutputFormat::table ? "table" : "prom");
  if (s.no_ping) {
    out += "ping: off\n";
  } else {
    fmt::format_to(it, "ping: {} requests per destination, {} s apart, timeout {} s, deadline {} s, {} bytes",
                   s.count, s.interval, s.timeout, s.deadline, s.size);
    if (s.rate) fmt::format_to(it, ", at most {} requests/s", *s.rate);
    if (s.family != Family::any) fmt::format_to(it, ", {}", s.family == Family::v4 ? "IPv4 only" : "IPv6 only");
    if (s.ttl) fmt::format_to(it, ", ttl {}", *s.ttl);
    if (s.tos) fmt::format_to(it, ", tos {}", *s.tos);
    if (s.source) fmt::format_to(it, ", from {}", *s.source);
    if (s.interface) fmt::format_to(it, ", via {}", *s.interface);
    if (s.pmtu) out += ", path MTU discovery";
    if (s.dont_fragment) out += ", don't fragment";
    out += '\n';
    if (uses_default_gateways(s)) out += "  no destinations: the default gateways will be pinged\n";
    else if (s.targets.empty()) out += "  no destinations\n";
    for (const TargetSpec& t : s.targets) {
      std::string labels;
      for (const auto& [name, value] : t.labels) {
        labels += fmt::format(" {}=\"", name);
        append_escaped_label_value(labels, value);
        labels += '"';
      }
      std::string dest;
      append_escaped_label_value(dest, t.name);
      fmt::format_to(it, "  {} -> {}{}{}   ({}{})\n", dest, t.host,
                     t.family == Family::any ? "" : t.family == Family::v4 ? " (ipv4)" : " (ipv6)", labels, t.origin,
                     probe_differences(t.probe, s));
    }
  }
  if (s.no_interfaces) {
    out += "interfaces: off\n";
  } else {
    fmt::format_to(it, "interfaces: {}{}\n", s.interface_include ? "matching " + *s.interface_include : "all",
                   s.interface_exclude ? " except " + *s.interface_exclude : "");
  }
  if (s.state_dir) {
    const std::vector<double>& b = s.buckets.empty() ? default_buckets() : s.buckets;
    fmt::format_to(it, "history: {} ({} buckets, {} s to {} s)\n", *s.state_dir, b.size(), b.front(), b.back());
  }
  return out;
}

}  // namespace netprom
