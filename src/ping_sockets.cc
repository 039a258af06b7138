// SPDX-License-Identifier: MIT
#include "ping_sockets.h"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "clock.h"        // seconds_to_ns
#include "icmp_packet.h"  // kMaxPayloadSize
#include "resolve.h"      // parse_address_literal

namespace netprom {
namespace {

// What makes two destinations need different sockets.
struct SocketKey {
  Family family;
  std::optional<int> ttl, tos;
  std::optional<std::string> source, interface;
  bool dont_fragment;
  auto operator<=>(const SocketKey&) const = default;
};

// `open`, or null when the kernel has no such family (IPv6 disabled): that family's
// destinations then fail to send, which is their data, not the run's failure.
std::unique_ptr<IcmpSocket> open_if_supported(const SocketOpener& open, Family family,
                                              const IcmpSocketOptions& options) {
  try {
    return open(family, options);
  } catch (const std::system_error& e) {
    if (e.code() != std::errc::address_family_not_supported) throw;
    return nullptr;
  }
}

}  // namespace

SocketPlan plan_sockets(std::span<const TargetSpec> targets) {
  SocketPlan plan;
  plan.sockets.resize(1);
  plan.slots.assign(targets.size(), {0, 0});
  std::map<SocketKey, std::uint16_t> slot_of;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const TargetSpec& target = targets[i];
    const ProbeSettings& p = target.probe;
    const std::optional<SocketAddress>& literal = target.address;
    const Family pinged = literal ? family_of(*literal) : p.family;
    if (literal && p.family != Family::any && pinged != p.family) continue;  // a mismatch pings nothing
    if (target.host.empty()) continue;
    for (const Family family : {Family::v4, Family::v6}) {
      if (pinged != Family::any && pinged != family) continue;
      const auto [it, added] = slot_of.try_emplace({family, p.ttl, p.tos, p.source, p.interface, p.dont_fragment},
                                                   static_cast<std::uint16_t>(plan.sockets.size()));
      if (added) {
        if (plan.sockets.size() > std::numeric_limits<std::uint16_t>::max())
          throw std::invalid_argument("more than 65,535 distinct socket settings");
        PlannedSocket& s = plan.sockets.emplace_back();
        s.family = family;
        s.options = {.ttl = p.ttl, .tos = p.tos, .source = {}, .interface = p.interface,
                     .dont_fragment = p.dont_fragment, .payload_size = 0, .destinations = 0};
        if (p.source && !(s.options.source = parse_address_literal(*p.source)))
          throw std::invalid_argument(fmt::format("source address '{}' is not an IP address", *p.source));
      }
      IcmpSocketOptions& o = plan.sockets[it->second].options;
      o.payload_size = std::max(o.payload_size, static_cast<std::size_t>(std::max(p.size, 0)));
      ++o.destinations;
      plan.slots[i][family == Family::v6] = it->second;
    }
  }
  for (const auto& [key, slot] : slot_of) plan.open_order.push_back(slot);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!targets[i].probe.pmtu) continue;
    plan.pmtu_timeout = std::max(plan.pmtu_timeout, seconds_to_ns(targets[i].probe.timeout));
    for (const std::size_t family : {0, 1}) {
      const std::uint16_t slot = plan.slots[i][family];
      if (slot == 0 || plan.pmtu[family]) continue;
      IcmpSocketOptions& o = plan.pmtu[family].emplace(plan.sockets[slot].options);
      o.dont_fragment = false;
      o.probe_path_mtu = true;
      o.payload_size = kMaxPayloadSize;
    }
  }
  return plan;
}

OpenSockets open_sockets(const SocketPlan& plan, const SocketOpener& open) {
  OpenSockets opened;
  opened.sockets.resize(plan.sockets.size());
  for (const std::uint16_t slot : plan.open_order)
    opened.sockets[slot] = open_if_supported(open, plan.sockets[slot].family, plan.sockets[slot].options);
  for (const std::size_t family : {0, 1})
    if (plan.pmtu[family])
      opened.pmtu[family] = open_if_supported(open, family == 1 ? Family::v6 : Family::v4, *plan.pmtu[family]);
  return opened;
}

}  // namespace netprom
