// SPDX-License-Identifier: MIT
#include "metrics.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "exposition.h"
#include "history.h"
#include "rtt_stats.h"

namespace netprom {
namespace {

std::string_view family_label(Family f) { return f == Family::v6 ? "ipv6" : "ipv4"; }

// The run's constant labels, rendered.
std::string constant_labels(const RunReport& r) {
  LabelSet set;
  for (const auto& [name, value] : r.constant_labels) set.add(name, value);
  return std::string(set.str());
}

// A series' own labels followed by the run's constant ones.
std::string with_constant(std::string own, std::string_view constant) {
  if (!own.empty() && !constant.empty()) own.push_back(',');
  return own.append(constant);
}

std::vector<std::string> target_labels(const RunReport& r) {
  const std::string constant = constant_labels(r);
  std::vector<std::string> labels;
  labels.reserve(r.destinations.size());
  for (const DestinationReport& d : r.destinations)
    labels.push_back(with_constant(render_target_labels(d.target), constant));
  return labels;
}

void render_ping(const RunReport& r, ExpositionWriter& w) {
  const std::vector<std::string> labels = target_labels(r);
  std::vector<std::optional<RttSummary>> rtt;
  rtt.reserve(r.destinations.size());
  for (const DestinationReport& d : r.destinations) rtt.push_back(summarize_rtts(d.ping.rtt_seconds));

  auto counts = [&](std::string_view name, std::string_view help, auto field) {
    w.family(name, help, MetricType::gauge);
    w.samples(name, labels, [&](std::size_t i) { return field(r.destinations[i].ping); });
  };
  counts("netprom_ping_up", "1 if at least one valid echo reply came back this run, else 0.",
         [](const PingResult& p) { return std::uint64_t{p.received > 0 ? 1u : 0u}; });
  counts("netprom_ping_resolved", "1 if the destination's name gave an address this run (literals always do), else 0.",
         [](const PingResult& p) { return std::uint64_t{p.address ? 1u : 0u}; });
  counts("netprom_ping_run_packets_sent", "Echo requests that left the host this run (answered or not).",
         [](const PingResult& p) { return p.sent; });
  counts("netprom_ping_run_send_errors",
         "Echo requests the kernel refused to send this run (no route, firewall); not in run_packets_sent.",
         [](const PingResult& p) { return p.send_errors; });
  counts("netprom_ping_run_packets_received", "Distinct valid echo replies received in time this run.",
         [](const PingResult& p) { return p.received; });
  counts("netprom_ping_run_packets_duplicate", "Duplicate echo replies this run, not counted as received.",
         [](const PingResult& p) { return p.duplicates; });
  counts("netprom_ping_run_packets_late", "Valid echo replies that came after their timeout this run.",
         [](const PingResult& p) { return p.late; });
  w.family("netprom_ping_icmp_errors",
           "Echo requests answered by an ICMP error this run, by type (IPv4 fragmentation needed is packet_too_big).",
           MetricType::gauge);
  for (std::size_t t = 0; t < kIcmpErrorTypes; ++t)
    w.samples("netprom_ping_icmp_errors", labels, [&](std::size_t i) { return r.destinations[i].ping.errors_by_type[t]; },
              LabelSet().add("type", icmp_error_type_name(static_cast<IcmpErrorType>(t))).str());

  w.family("netprom_ping_loss_ratio", "1 - received/sent this run; absent when nothing was sent.", MetricType::gauge);
  for (std::size_t i = 0; i < r.destinations.size(); ++i) {
    const PingResult& p = r.destinations[i].ping;
    if (p.sent == 0) continue;
    // (sent - received) / sent, not 1 - received/sent: 1/5 lost prints 0.2, not 0.19999999999999996.
    w.sample("netprom_ping_loss_ratio", labels[i],
             static_cast<double>(p.sent - std::min(p.received, p.sent)) / static_cast<double>(p.sent));
  }
  struct RttFamily {
    std::string_view name, help;
    double RttSummary::*field;
  };
  static constexpr RttFamily kRtt[] = {
      {"netprom_ping_rtt_min_seconds", "Smallest round-trip time this run; absent when no reply came.",
       &RttSummary::min},
      {"netprom_ping_rtt_avg_seconds", "Mean round-trip time this run; absent when no reply came.", &RttSummary::avg},
      {"netprom_ping_rtt_max_seconds", "Largest round-trip time this run; absent when no reply came.",
       &RttSummary::max},
      {"netprom_ping_rtt_stddev_seconds",
       "Population standard deviation of the round-trip times this run (ping's mdev); absent when no reply came.",
       &RttSummary::stddev},
  };
  for (const RttFamily& f : kRtt) {
    w.family(f.name, f.help, MetricType::gauge);
    for (std::size_t i = 0; i < r.destinations.size(); ++i)
      if (rtt[i]) w.sample(f.name, labels[i], (*rtt[i]).*f.field);
  }
  // Only with --pmtu, which sets a value for some destination or none: the family appears when
  // one was found.
  if (std::any_of(r.destinations.begin(), r.destinations.end(),
                  [](const DestinationReport& d) { return d.ping.path_mtu.has_value(); })) {
    w.family("netprom_ping_path_mtu_bytes",
             "Largest IP packet, header included, that reached the destination with don't-fragment set and "
             "came back this run (--pmtu); absent when none was found.",
             MetricType::gauge);
    for (std::size_t i = 0; i < r.destinations.size(); ++i)
      if (const std::optional<int>& mtu = r.destinations[i].ping.path_mtu)
        w.sample("netprom_ping_path_mtu_bytes", labels[i], static_cast<std::uint64_t>(*mtu));
  }
  w.family("netprom_ping_rtt_jitter_seconds",
           "Mean absolute difference between the round-trip times of consecutive requests that both got a reply "
           "this run; absent without such a pair.",
           MetricType::gauge);
  for (std::size_t i = 0; i < r.destinations.size(); ++i)
    if (const std::optional<double> jitter = rtt_jitter(r.destinations[i].ping.rtt_seconds))
      w.sample("netprom_ping_rtt_jitter_seconds", labels[i], *jitter);
  w.family("netprom_ping_reply_ttl",
           "IPv4 TTL / IPv6 hop limit of the last valid echo reply this run; absent when no reply came.",
           MetricType::gauge);
  for (std::size_t i = 0; i < r.destinations.size(); ++i)
    if (const std::optional<int>& ttl = r.destinations[i].ping.reply_ttl)
      w.sample("netprom_ping_reply_ttl", labels[i], static_cast<std::uint64_t>(*ttl));
  w.family("netprom_ping_target_info", "The address pinged for a destination this run (value 1).", MetricType::gauge);
  LabelSet extra;
  for (std::size_t i = 0; i < r.destinations.size(); ++i) {
    const PingResult& p = r.destinations[i].ping;
    if (!p.address) continue;
    extra.clear();
    extra.add("address", format_address(*p.address)).add("family", family_label(family_of(*p.address)));
    w.sample("netprom_ping_target_info", labels[i], std::uint64_t{1}, extra.str());
  }
}

void render_history_families(const RunReport& r, const History& h, ExpositionWriter& w) {
  if (std::any_of(r.destinations.begin(), r.destinations.end(), [](const DestinationReport& d) { return !d.totals; }))
    throw std::logic_error("a history without totals for every destination");
  const std::vector<std::string> labels = target_labels(r);
  struct Total {
    std::string_view name, help;
    std::uint64_t DestHistory::*field;
  };
  static constexpr Total kTotals[] = {
      {"netprom_ping_packets_sent_total", "Echo requests sent, over all runs kept in the state directory.",
       &DestHistory::sent},
      {"netprom_ping_packets_received_total", "Valid echo replies received in time, over all runs.",
       &DestHistory::received},
      {"netprom_ping_packets_duplicate_total", "Duplicate echo replies, over all runs.", &DestHistory::duplicates},
      {"netprom_ping_send_errors_total",
       "Echo requests the kernel refused to send (not in packets_sent_total), over all runs.",
       &DestHistory::send_errors},
  };
  for (const Total& t : kTotals) {
    w.family(t.name, t.help, MetricType::counter);
    w.samples(t.name, labels, [&](std::size_t i) { return r.destinations[i].totals->*t.field; });
  }
  std::vector<std::string> le;
  for (double b : h.bounds) le.push_back(fmt::format("le=\"{}\"", format_value(b)));
  le.push_back("le=\"+Inf\"");
  w.family("netprom_ping_rtt_seconds", "Round-trip times of valid echo replies, over all runs.", MetricType::histogram);
  for (std::size_t i = 0; i < r.destinations.size(); ++i) {
    const DestHistory& d = *r.destinations[i].totals;
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < d.buckets.size(); ++b) {
      cumulative += d.buckets[b];
      w.sample("netprom_ping_rtt_seconds_bucket", labels[i], cumulative, le[b]);
    }
    w.sample("netprom_ping_rtt_seconds_sum", labels[i], d.sum);
    w.sample("netprom_ping_rtt_seconds_count", labels[i], d.count);
  }
}

struct LinkCounter {
  std::string_view name, help;  // the family is netprom_network_NAME_total
  std::uint64_t LinkStats::*field;
};

// Names and meanings follow node_exporter's netdev collector and the columns of /proc/net/dev.
constexpr LinkCounter kLinkCounters[] = {
    {"receive_bytes", "Bytes received (/proc/net/dev receive bytes).", &LinkStats::rx_bytes},
    {"receive_packets", "Packets received.", &LinkStats::rx_packets},
    {"receive_errs", "Receive errors.", &LinkStats::rx_errs},
    {"receive_drop", "Received packets dropped (rx_dropped + rx_missed_errors).", &LinkStats::rx_drop},
    {"receive_fifo", "Receive FIFO errors.", &LinkStats::rx_fifo},
    {"receive_frame", "Receive framing errors (length + over + crc + frame).", &LinkStats::rx_frame},
    {"receive_compressed", "Compressed packets received.", &LinkStats::rx_compressed},
    {"receive_multicast", "Multicast packets received.", &LinkStats::rx_multicast},
    {"transmit_bytes", "Bytes transmitted.", &LinkStats::tx_bytes},
    {"transmit_packets", "Packets transmitted.", &LinkStats::tx_packets},
    {"transmit_errs", "Transmit errors.", &LinkStats::tx_errs},
    {"transmit_drop", "Transmitted packets dropped.", &LinkStats::tx_drop},
    {"transmit_fifo", "Transmit FIFO errors.", &LinkStats::tx_fifo},
    {"transmit_colls", "Collisions while transmitting.", &LinkStats::tx_colls},
    {"transmit_carrier", "Transmit carrier errors (carrier + aborted + window + heartbeat).", &LinkStats::tx_carrier},
    {"transmit_compressed", "Compressed packets transmitted.", &LinkStats::tx_compressed},
};

void render_links(const RunReport& r, ExpositionWriter& w) {
  std::vector<std::string> labels;
  labels.reserve(r.links.size());
  const std::string constant = constant_labels(r);
  for (const LinkStats& l : r.links)
    labels.push_back(with_constant(std::string(LabelSet().add("device", utf8_name(l.name)).str()), constant));
  for (const LinkCounter& c : kLinkCounters) {
    const std::string name = fmt::format("netprom_network_{}_total", c.name);
    w.family(name, c.help, MetricType::counter);
    w.samples(name, labels, [&](std::size_t i) { return r.links[i].*c.field; });
  }
  w.family("netprom_network_up", "1 if the interface's operational state is up (or unknown but running, as lo).",
           MetricType::gauge);
  w.samples("netprom_network_up", labels, [&](std::size_t i) { return std::uint64_t{r.links[i].oper_up ? 1u : 0u}; });
  w.family("netprom_network_carrier_changes_total",
           "Times the interface's carrier went up or down (IFLA_CARRIER_CHANGES); link flaps.",
           MetricType::counter);
  for (std::size_t i = 0; i < r.links.size(); ++i)
    if (r.links[i].carrier_changes)
      w.sample("netprom_network_carrier_changes_total", labels[i], std::uint64_t{*r.links[i].carrier_changes});
  w.family("netprom_network_mtu_bytes", "The interface's MTU in bytes (IFLA_MTU).", MetricType::gauge);
  for (std::size_t i = 0; i < r.links.size(); ++i)
    if (r.links[i].mtu) w.sample("netprom_network_mtu_bytes", labels[i], std::uint64_t{*r.links[i].mtu});
}

void render_self(const RunReport& r, ExpositionWriter& w) {
  const std::string c = constant_labels(r);
  if (r.mesh) {
    w.family("netprom_mesh_members", "Members in the --mesh list, this host included.", MetricType::gauge);
    w.sample("netprom_mesh_members", c, std::uint64_t{r.mesh->members});
    w.family("netprom_mesh_inbound_peers", "Members of the --mesh list whose choice of peers includes this host.",
             MetricType::gauge);
    w.sample("netprom_mesh_inbound_peers", c, std::uint64_t{r.mesh->inbound});
  }
  w.family("netprom_collector_success", "1 if the collector worked this run, 0 if it failed.", MetricType::gauge);
  if (r.ping_enabled)
    w.sample("netprom_collector_success", with_constant(R"(collector="ping")", c), std::uint64_t{r.ping_ok ? 1u : 0u});
  if (r.interfaces_enabled)
    w.sample("netprom_collector_success", with_constant(R"(collector="interfaces")", c),
             std::uint64_t{r.interfaces_ok ? 1u : 0u});
  if (r.history_enabled)
    w.sample("netprom_collector_success", with_constant(R"(collector="history")", c), std::uint64_t{r.history ? 1u : 0u});
  w.family("netprom_run_timestamp_seconds", "Unix time when this run finished collecting.", MetricType::gauge);
  w.sample("netprom_run_timestamp_seconds", c, r.timestamp_seconds);
  w.family("netprom_run_duration_seconds", "How long this run took to collect, in seconds.", MetricType::gauge);
  w.sample("netprom_run_duration_seconds", c, r.duration_seconds);
  w.family("netprom_build_info", "netprom's version (value 1).", MetricType::gauge);
  w.sample("netprom_build_info", with_constant(std::string(LabelSet().add("version", r.version).str()), c),
           std::uint64_t{1});
}

}  // namespace

std::string render_target_labels(const TargetSpec& target) {
  LabelSet set;
  set.add("dest", target.name);
  for (const auto& [name, value] : target.labels) set.add(name, value);
  return std::string(set.str());
}

std::vector<DestinationReport> destination_reports(std::span<const TargetSpec> targets,
                                                   std::span<const PingResult> results, const History* history) {
  if (results.size() != targets.size() || (history && history->dests.size() != targets.size()))
    throw std::logic_error(fmt::format("{} results and {} totals for {} destinations", results.size(),
                                       history ? history->dests.size() : 0, targets.size()));
  std::vector<DestinationReport> out;
  out.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const DestHistory* totals = history ? &history->dests[i] : nullptr;
    if (totals && totals->name != targets[i].name)
      throw std::logic_error(fmt::format("the totals of '{}' for destination '{}'", totals->name, targets[i].name));
    out.push_back({targets[i], results[i], totals});
  }
  return out;
}

std::string render_metrics(const RunReport& report) {
  ExpositionWriter w;
  render_metrics(report, w);
  return std::string(w.text());
}

void render_metrics(const RunReport& report, ExpositionWriter& w) {
  if (report.ping_enabled && report.ping_ok) render_ping(report, w);
  if (report.ping_enabled && report.ping_ok && report.history) render_history_families(report, *report.history, w);
  if (report.interfaces_enabled && report.interfaces_ok) render_links(report, w);
  render_self(report, w);
  w.finish();
}

}  // namespace netprom
