// SPDX-License-Identifier: MIT
#include "link_stats.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "link_namer.h"
#include "unique_fd.h"

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

void parse_link_message(const nlmsghdr& nlh, std::vector<LinkStats>& links) {
  constexpr std::size_t kHeaderBytes = MNL_ALIGN(sizeof(ifinfomsg));
  std::size_t payload = mnl_nlmsg_get_payload_len(&nlh);
  if (payload < sizeof(ifinfomsg)) throw_bad_link(fmt::format("RTM_NEWLINK of {} bytes", payload));
  ifinfomsg ifi;
  std::memcpy(&ifi, mnl_nlmsg_get_payload(&nlh), sizeof ifi);

  const nlattr* name = nullptr;
  const nlattr* stats64 = nullptr;
  const nlattr* stats32 = nullptr;
  int operstate = IF_OPER_UNKNOWN;
  // Walk the attributes by hand rather than with mnl_attr_parse(): it stops silently at an
  // attribute that runs past the message, and such a message is not to be trusted.
  // mnl_attr_ok() keeps every read inside `left` bytes, whatever nla_len claims.
  int left = payload > kHeaderBytes ? static_cast<int>(payload - kHeaderBytes) : 0;
  const auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(&nlh, sizeof ifi));
  for (; mnl_attr_ok(attr, left); attr = mnl_attr_next(attr)) {
    left -= static_cast<int>(MNL_ALIGN(attr->nla_len));
    switch (mnl_attr_get_type(attr)) {
      case IFLA_IFNAME:
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
          throw_bad_link(fmt::format("IFLA_IFNAME of link {} is not a string", ifi.ifi_index));
        name = attr;
        break;
      case IFLA_OPERSTATE:
        if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
          throw_bad_link(fmt::format("IFLA_OPERSTATE of link {} has {} bytes", ifi.ifi_index,
                                     mnl_attr_get_payload_len(attr)));
        operstate = mnl_attr_get_u8(attr);
        break;
      case IFLA_STATS64:
        if (mnl_attr_get_payload_len(attr) >= kMinStats64Bytes) stats64 = attr;
        break;
      case IFLA_STATS:
        if (mnl_attr_get_payload_len(attr) >= kMinStats32Bytes) stats32 = attr;
        break;
      default:
        break;
    }
  }
  if (left > 0) throw_bad_link(fmt::format("truncated attribute in link {}", ifi.ifi_index));
  if (name == nullptr) throw_bad_link(fmt::format("link {} has no name", ifi.ifi_index));
  if (stats64 == nullptr && stats32 == nullptr)
    throw_bad_link(fmt::format("link {} has no counters", ifi.ifi_index));

  LinkStats& link = links.emplace_back();
  const char* text = static_cast<const char*>(mnl_attr_get_payload(name));
  link.name.assign(text, ::strnlen(text, mnl_attr_get_payload_len(name)));
  link.index = static_cast<std::uint32_t>(ifi.ifi_index);
  constexpr unsigned kUpAndRunning = IFF_UP | IFF_RUNNING;
  link.oper_up = operstate == IF_OPER_UP ||
                 (operstate == IF_OPER_UNKNOWN && (ifi.ifi_flags & kUpAndRunning) == kUpAndRunning);
  fill_counters(link, stats64 != nullptr ? copy_stats<rtnl_link_stats64>(stats64)
                                         : widen(copy_stats<rtnl_link_stats>(stats32)));
}

[[noreturn]] void throw_bad_stats(std::string_view why) {
  throw fmt::system_error(EBADMSG, "cannot dump link statistics: {}", why);
}

// One RTM_NEWSTATS message (rtnl_fill_statsinfo): struct if_stats_msg, then one attribute per
// bit of the filter mask. We ask for IFLA_STATS_LINK_64 only, which the kernel puts with
// nla_reserve_64bit(): on architectures that need 8-byte alignment an IFLA_STATS_UNSPEC pad
// attribute may precede it, skipped like any other attribute we did not ask for.
void parse_stats_message(const nlmsghdr& nlh, std::vector<LinkStats>& links) {
  constexpr std::size_t kHeaderBytes = MNL_ALIGN(sizeof(if_stats_msg));
  std::size_t payload = mnl_nlmsg_get_payload_len(&nlh);
  if (payload < sizeof(if_stats_msg))
    throw_bad_stats(fmt::format("RTM_NEWSTATS of {} bytes", payload));
  if_stats_msg ifsm;
  std::memcpy(&ifsm, mnl_nlmsg_get_payload(&nlh), sizeof ifsm);
  // The ioctls take the index as an int; the kernel never hands out 0 or a negative one.
  if (ifsm.ifindex == 0 || ifsm.ifindex > static_cast<std::uint32_t>(INT_MAX))
    throw_bad_stats(fmt::format("RTM_NEWSTATS for ifindex {}", ifsm.ifindex));

  const nlattr* stats64 = nullptr;
  // By hand, as in parse_link_message(): an attribute running past the message is an error.
  int left = payload > kHeaderBytes ? static_cast<int>(payload - kHeaderBytes) : 0;
  const auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(&nlh, sizeof ifsm));
  for (; mnl_attr_ok(attr, left); attr = mnl_attr_next(attr)) {
    left -= static_cast<int>(MNL_ALIGN(attr->nla_len));
    if (mnl_attr_get_type(attr) != IFLA_STATS_LINK_64) continue;
    // Unlike IFLA_STATS64 in RTM_NEWLINK there is no 32-bit copy to fall back to, so a short
    // struct is an error rather than ignored.
    if (mnl_attr_get_payload_len(attr) < kMinStats64Bytes)
      throw_bad_stats(fmt::format("IFLA_STATS_LINK_64 of link {} has {} bytes", ifsm.ifindex,
                                  mnl_attr_get_payload_len(attr)));
    stats64 = attr;
  }
  if (left > 0) throw_bad_stats(fmt::format("truncated attribute in link {}", ifsm.ifindex));
  if (stats64 == nullptr) throw_bad_stats(fmt::format("link {} has no counters", ifsm.ifindex));

  LinkStats& link = links.emplace_back();
  link.index = ifsm.ifindex;
  fill_counters(link, copy_stats<rtnl_link_stats64>(stats64));
}

// Names and state by ioctl, two per link: SIOCGIFNAME (ifindex -> name) and SIOCGIFFLAGS (name
// -> flags). Both are answered by dev_ioctl() for a socket of any family whose own ioctl
// handler passes them on (inet, unix, netlink and packet all do); AF_UNIX works with no IPv4 in
// the kernel or no address in the namespace, and needs no privilege.
//
// oper_up: SIOCGIFFLAGS returns dev_get_flags() (net/core/dev.c; netif_get_flags() in recent
// kernels), which clears IFF_RUNNING and sets it again only when netif_running(dev) &&
// netif_oper_up(dev), and netif_oper_up() is operstate == IF_OPER_UP || operstate ==
// IF_OPER_UNKNOWN. RTM_NEWLINK reports IFLA_OPERSTATE as netif_running(dev) ? operstate :
// IF_OPER_DOWN with the same dev_get_flags() in ifi_flags, so parse_link_dump()'s rule
// (IF_OPER_UP, or UNKNOWN with IFF_UP and IFF_RUNNING) is true exactly when IFF_UP and
// IFF_RUNNING are both set here: a running device has IFF_UP (__dev_open sets it, __dev_close
// clears it), and a device that is not running has neither IFF_RUNNING here nor an operstate
// other than DOWN there.
//
// The ioctls are not atomic with the dump. A link deleted in between answers ENODEV (or ENXIO,
// which is what if_indextoname() turns it into; accepted too) and is left out, as if deleted
// just before the dump; the counters of the others are unaffected. A link renamed between the
// two ioctls makes SIOCGIFFLAGS miss: the old name is gone, and the new one may not be
// findable yet either, because dev_change_name() writes the new name, then takes the name out
// of the lookup table for an RCU grace period (synchronize_net) before putting it back, so
// asking again by ioctl can miss any number of times. For such a link (and one deleted after
// its SIOCGIFNAME) we ask the kernel by ifindex instead, with an RTM_GETLINK request for that
// one link: its reply has the name and the state taken together, or ENODEV if the link has
// really gone. Two links swapping names between the two ioctls would give one link's flags
// to the other; telling that apart would cost a third ioctl (SIOCGIFINDEX) per link for a race
// that needs two renames within microseconds, so it is not done. The name reported is the one
// the link has at the time of its ioctl, not at the time of the dump: the counters belong to
// the ifindex, which names one link for its lifetime; new links get the next free index after
// the last one handed out (dev_new_index, dev_index_reserve), so a deleted link's index comes
// back only once the namespace's counter has wrapped around. (As root, SIOCGIFFLAGS for a name
// that does not exist makes dev_load() try request_module("netdev-<name>"), as ifconfig does;
// that only happens in these races.)
constexpr unsigned kUpAndRunning = IFF_UP | IFF_RUNNING;

bool is_gone(int error) { return error == ENODEV || error == ENXIO; }

// Name and state of one link from an RTM_GETLINK request for its ifindex (not a dump: one
// RTM_NEWLINK in reply, or NLMSG_ERROR). Returns false when the kernel says it has gone.
bool read_one_link(NetlinkSocket& socket, LinkStats& link) {
  struct {
    nlmsghdr header;
    ifinfomsg link;
  } request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = socket.next_seq();
  request.header.nlmsg_pid = socket.portid();
  request.link.ifi_family = AF_UNSPEC;
  request.link.ifi_index = static_cast<int>(link.index);
  socket.send(std::as_bytes(std::span(&request, 1)));
  std::vector<LinkStats> found;
  try {
    parse_link_dump(socket.receive(), request.header.nlmsg_seq, socket.portid(), found);
  } catch (const std::system_error& error) {
    if (is_gone(error.code().value())) return false;
    throw;
  }
  if (found.size() != 1 || found[0].index != link.index)
    throw fmt::system_error(EBADMSG, "cannot read link {}: {} links in the reply", link.index,
                            found.size());
  link.name = std::move(found[0].name);
  link.oper_up = found[0].oper_up;
  return true;
}

// One link by ioctl; ask_again means renamed or deleted between the two ioctls, for
// read_one_link().
NameOutcome read_name_and_flags(int fd, LinkStats& link) {
  ifreq request{};
  request.ifr_ifindex = static_cast<int>(link.index);
  if (::ioctl(fd, SIOCGIFNAME, &request) != 0) {
    if (is_gone(errno)) return NameOutcome::gone;
    throw fmt::system_error(errno, "cannot read interface name of link {}", link.index);
  }
  if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    if (!is_gone(errno))
      throw fmt::system_error(errno, "cannot read interface flags of link {} ({})", link.index,
                              std::string_view(request.ifr_name,
                                               ::strnlen(request.ifr_name, sizeof request.ifr_name)));
    return NameOutcome::ask_again;
  }
  // The kernel copies a NUL-terminated name of at most IFNAMSIZ - 1 bytes, and SIOCGIFFLAGS
  // leaves it in place; strnlen keeps us inside the array whatever it holds.
  link.name.assign(request.ifr_name, ::strnlen(request.ifr_name, sizeof request.ifr_name));
  link.oper_up = (static_cast<unsigned short>(request.ifr_flags) & kUpAndRunning) == kUpAndRunning;
  return NameOutcome::named;
}

}  // namespace

DumpStatus parse_link_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                           std::uint32_t portid, std::vector<LinkStats>& links) {
  return parse_dump_datagram(datagram, seq, portid, RTM_NEWLINK, "links",
                             [&links](const nlmsghdr& nlh) { parse_link_message(nlh, links); });
}

DumpStatus parse_stats_dump(std::span<const std::byte> datagram, std::uint32_t seq,
                            std::uint32_t portid, std::vector<LinkStats>& links) {
  return parse_dump_datagram(datagram, seq, portid, RTM_NEWSTATS, "link statistics",
                             [&links](const nlmsghdr& nlh) { parse_stats_message(nlh, links); });
}

bool stats_dump_unsupported(int error) noexcept {
  // Before 4.7, RTM_GETSTATS (94) is above RTM_MAX and rtnetlink_rcv_msg() answers
  // EOPNOTSUPP. EINVAL is what rtnl_valid_stats_req() gives a kernel that has the request
  // but not our header or filter mask. Both refuse the request before the dump starts.
  return error == EOPNOTSUPP || error == EINVAL;
}

namespace {

// The RTM_GETSTATS dump, with every datagram's links handed to a LinkNamer as it arrives.
// Sets `refused` when the kernel refused the request itself (stats_dump_unsupported) before
// sending any link, which is when read_link_stats() falls back to RTM_GETLINK.
std::vector<LinkStats> read_stats_and_names(NetlinkSocket& socket, bool& refused) {
  // AF_UNSPEC and ifindex 0 with NLM_F_DUMP: every link. Strict checking (NetlinkSocket
  // turns it on) wants the pads and the ifindex zero, and a filter mask with known bits only.
  if_stats_msg request{};
  request.family = AF_UNSPEC;
  request.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) throw fmt::system_error(errno, "cannot open socket for interface ioctls");
  // Helpers: one per other CPU, at most three. The socket is shared: the ioctls take it only
  // to reach dev_ioctl().
  const unsigned cpus = std::thread::hardware_concurrency();
  LinkNamer namer([&fd](LinkStats& link) { return read_name_and_flags(fd.get(), link); },
                  std::min(3u, cpus > 1 ? cpus - 1 : 0u));
  std::vector<LinkStats> parsed;
  bool any_reply = false;
  dump_request(
      socket, RTM_GETSTATS, request, "link statistics",
      [&](std::span<const std::byte> datagram, std::uint32_t seq, std::uint32_t portid) {
        parsed.clear();
        DumpStatus status;
        try {
          status = parse_stats_dump(datagram, seq, portid, parsed);
        } catch (const std::system_error& error) {
          refused = !any_reply && stats_dump_unsupported(error.code().value());
          throw;
        }
        any_reply = true;
        namer.add(parsed);
        return status;
      },
      [&] {
        any_reply = false;
        namer.discard();
      });
  // A link renamed between its two ioctls is asked for over netlink, on this thread, the
  // socket's only user.
  return namer.finish([&socket](LinkStats& link) { return read_one_link(socket, link); });
}

}  // namespace

std::vector<LinkStats> read_link_stats_from_stats_dump(NetlinkSocket& socket) {
  bool refused = false;
  return read_stats_and_names(socket, refused);
}

std::vector<LinkStats> read_link_stats_from_link_dump(NetlinkSocket& socket) {
  // AF_UNSPEC dumps every link. No IFLA_EXT_MASK: its default (0) keeps the counters
  // (RTEXT_FILTER_SKIP_STATS unset) and leaves out the per-VF blocks (RTEXT_FILTER_VF unset),
  // which can be kilobytes per SR-IOV device.
  ifinfomsg request{};
  request.ifi_family = AF_UNSPEC;
  return dump_all(socket, RTM_GETLINK, request, "links", parse_link_dump);
}

std::vector<LinkStats> read_link_stats(NetlinkSocket& socket) {
  // Why not RTM_GETLINK alone: for each link it builds ~1.5 KB of attributes (IPv6 device
  // configuration and statistics, link info, ...) to which the counters are a tenth, and with
  // 2,000 links that dump alone costs twice a whole `cat /proc/net/dev`. RTM_GETSTATS with
  // one filter bit builds the counters and nothing else; the ioctls add the name and flags.
  // Both dumps walk the same table of the namespace's links by ifindex (for_each_netdev_dump,
  // in ifindex order; older kernels walked the buckets of dev_index_head, again the same for
  // both), so the order does not depend on the path taken.
  bool refused = false;
  try {
    return read_stats_and_names(socket, refused);
  } catch (const std::system_error&) {
    // A refused request ends its reply there (one NLMSG_ERROR, or an NLMSG_DONE carrying the
    // error), so nothing of it is left in the socket to confuse the next dump.
    if (!refused) throw;
  }
  return read_link_stats_from_link_dump(socket);
}

std::vector<LinkStats> read_link_stats() {
  NetlinkSocket socket;
  return read_link_stats(socket);
}

}  // namespace netprom
