// SPDX-License-Identifier: MIT
#include "link_stats.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace netprom {
namespace {

// IFLA_STATS64 grew: 184 bytes (23 counters, Linux 2.6.35), 192 (+rx_nohandler, 4.6),
// 200 (+rx_otherhost_dropped, 5.19). The 32-bit IFLA_STATS likewise: 92, then 96 bytes.
constexpr std::size_t kMinStats64Bytes = 23 * sizeof(std::uint64_t);
constexpr std::size_t kMinStats32Bytes = 23 * sizeof(std::uint32_t);
static_assert(sizeof(rtnl_link_stats64) >= kMinStats64Bytes);
static_assert(sizeof(rtnl_link_stats) >= kMinStats32Bytes);

[[noreturn]] void throw_bad_link(std::string_view why) {
  throw fmt::system_error(EBADMSG, "cannot dump links: {}", why);
}

// Copies what the kernel sent and zeroes what it did not (iproute2 get_rtnl_link_stats_rta),
// so a struct from an older or newer kernel than our headers is read correctly either way.
template <typename Stats>
Stats copy_stats(const nlattr* attr) {
  Stats stats{};
  std::memcpy(&stats, mnl_attr_get_payload(attr),
              std::min<std::size_t>(mnl_attr_get_payload_len(attr), sizeof stats));
  return stats;
}

rtnl_link_stats64 widen(const rtnl_link_stats& s) {
  return rtnl_link_stats64{
      .rx_packets = s.rx_packets, .tx_packets = s.tx_packets, .rx_bytes = s.rx_bytes,
      .tx_bytes = s.tx_bytes, .rx_errors = s.rx_errors, .tx_errors = s.tx_errors,
      .rx_dropped = s.rx_dropped, .tx_dropped = s.tx_dropped, .multicast = s.multicast,
      .collisions = s.collisions, .rx_length_errors = s.rx_length_errors,
      .rx_over_errors = s.rx_over_errors, .rx_crc_errors = s.rx_crc_errors,
      .rx_frame_errors = s.rx_frame_errors, .rx_fifo_errors = s.rx_fifo_errors,
      .rx_missed_errors = s.rx_missed_errors, .tx_aborted_errors = s.tx_aborted_errors,
      .tx_carrier_errors = s.tx_carrier_errors, .tx_fifo_errors = s.tx_fifo_errors,
      .tx_heartbeat_errors = s.tx_heartbeat_errors, .tx_window_errors = s.tx_window_errors,
      .rx_compressed = s.rx_compressed, .tx_compressed = s.tx_compressed,
      .rx_nohandler = s.rx_nohandler, .rx_otherhost_dropped = 0};
}

// The columns of /proc/net/dev, summed exactly as net/core/net-procfs.c dev_seq_printf_stats
// does, so the two can be compared number for number.
void fill_counters(LinkStats& link, const rtnl_link_stats64& s) {
  link.rx_bytes = s.rx_bytes;
  link.rx_packets = s.rx_packets;
  link.rx_errs = s.rx_errors;
  link.rx_drop = s.rx_dropped + s.rx_missed_errors;
  link.rx_fifo = s.rx_fifo_errors;
  link.rx_frame = s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors;
  link.rx_compressed = s.rx_compressed;
  link.rx_multicast = s.multicast;
  link.tx_bytes = s.tx_bytes;
  link.tx_packets = s.tx_packets;
  link.tx_errs = s.tx_errors;
  link.tx_drop = s.tx_dropped;
  link.tx_fifo = s.tx_fifo_errors;
  link.tx_colls = s.collisions;
  link.tx_carrier =
      s.tx_carrier_errors + s.tx_aborted_errors + s.tx_window_errors + s.tx_heartbeat_errors;
  link.tx_compressed = s.tx_compressed;
}

std::uint32_t get_u32(const nlattr& attr, std::string_view name, int index) {
  if (mnl_attr_validate(&attr, MNL_TYPE_U32) < 0)
    throw_bad_link(fmt::format("{} of link {} has {} bytes", name, index, mnl_attr_get_payload_len(&attr)));
  return mnl_attr_get_u32(&attr);
}

void parse_link_message(const nlmsghdr& nlh, std::vector<LinkStats>& links) {
  std::size_t payload = mnl_nlmsg_get_payload_len(&nlh);
  if (payload < sizeof(ifinfomsg)) throw_bad_link(fmt::format("RTM_NEWLINK of {} bytes", payload));
  ifinfomsg ifi;
  std::memcpy(&ifi, mnl_nlmsg_get_payload(&nlh), sizeof ifi);

  LinkStats link;
  const nlattr* name = nullptr;
  const nlattr* stats64 = nullptr;
  const nlattr* stats32 = nullptr;
  int operstate = IF_OPER_UNKNOWN;
  bool whole = parse_attributes(nlh, sizeof ifi, [&](const nlattr& attr) {
    switch (mnl_attr_get_type(&attr)) {
      case IFLA_IFNAME:
        if (mnl_attr_validate(&attr, MNL_TYPE_NUL_STRING) < 0)
          throw_bad_link(fmt::format("IFLA_IFNAME of link {} is not a string", ifi.ifi_index));
        name = &attr;
        break;
      case IFLA_OPERSTATE:
        if (mnl_attr_validate(&attr, MNL_TYPE_U8) < 0)
          throw_bad_link(fmt::format("IFLA_OPERSTATE of link {} has {} bytes", ifi.ifi_index,
                                     mnl_attr_get_payload_len(&attr)));
        operstate = mnl_attr_get_u8(&attr);
        break;
      case IFLA_MTU: link.mtu = get_u32(attr, "IFLA_MTU", ifi.ifi_index); break;
      case IFLA_CARRIER_CHANGES:
        link.carrier_changes = get_u32(attr, "IFLA_CARRIER_CHANGES", ifi.ifi_index);
        break;
      case IFLA_STATS64:
        if (mnl_attr_get_payload_len(&attr) >= kMinStats64Bytes) stats64 = &attr;
        break;
      case IFLA_STATS:
        if (mnl_attr_get_payload_len(&attr) >= kMinStats32Bytes) stats32 = &attr;
        break;
      default:
        break;
    }
  });
  if (!whole) throw_bad_link(fmt::format("truncated attribute in link {}", ifi.ifi_index));
  if (name == nullptr) throw_bad_link(fmt::format("link {} has no name", ifi.ifi_index));
  if (stats64 == nullptr && stats32 == nullptr)
    throw_bad_link(fmt::format("link {} has no counters", ifi.ifi_index));

  const char* text = static_cast<const char*>(mnl_attr_get_payload(name));
  link.name.assign(text, ::strnlen(text, mnl_attr_get_payload_len(name)));
  link.index = static_cast<std::uint32_t>(ifi.ifi_index);
  constexpr unsigned kUpAndRunning = IFF_UP | IFF_RUNNING;
  link.oper_up = operstate == IF_OPER_UP ||
                 (operstate == IF_OPER_UNKNOWN && (ifi.ifi_flags & kUpAndRunning) == kUpAndRunning);
  fill_counters(link, stats64 != nullptr ? copy_stats<rtnl_link_stats64>(stats64)
                                         : widen(copy_stats<rtnl_link_stats>(stats32)));
  links.push_back(std::move(link));
}

}  // namespace

DumpStatus parse_link_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                           std::uint32_t portid, std::vector<LinkStats>& links) {
  return parse_dump_datagram(datagram, seq, portid, RTM_NEWLINK, "links",
                             [&links](const nlmsghdr& nlh) { parse_link_message(nlh, links); });
}

std::vector<LinkStats> read_link_stats() {
  // AF_UNSPEC dumps every link. No IFLA_EXT_MASK: its default (0) keeps the counters
  // (RTEXT_FILTER_SKIP_STATS unset) and leaves out the per-VF blocks (RTEXT_FILTER_VF unset),
  // which can be kilobytes per SR-IOV device.
  ifinfomsg request{};
  request.ifi_family = AF_UNSPEC;
  return dump_all(RTM_GETLINK, request, "links", parse_link_dump);
}

}  // namespace netprom
