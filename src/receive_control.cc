// SPDX-License-Identifier: MIT
#include "receive_control.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <ctime>

namespace netprom {

namespace {

template <typename T>
T read_data(const cmsghdr* c) {
  T value{};
  std::memcpy(&value, CMSG_DATA(c), sizeof value);
  return value;
}

std::size_t data_length(const cmsghdr* c) { return c->cmsg_len - CMSG_LEN(0); }

QueuedError queued_error(const cmsghdr* c, bool v6) {
  const auto ee = read_data<sock_extended_err>(c);
  QueuedError e;
  switch (ee.ee_origin) {
    case SO_EE_ORIGIN_ICMP: e.origin = QueuedError::Origin::icmp; break;
    case SO_EE_ORIGIN_ICMP6: e.origin = QueuedError::Origin::icmp6; break;
    case SO_EE_ORIGIN_LOCAL: e.origin = QueuedError::Origin::local; break;
    default: e.origin = QueuedError::Origin::other; break;
  }
  e.type = ee.ee_type;
  e.code = ee.ee_code;
  e.info = ee.ee_info;
  e.error = static_cast<int>(ee.ee_errno);
  // SO_EE_OFFENDER: the sender's address follows the structure; family 0 when there is none.
  const std::size_t name_length = v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (data_length(c) >= sizeof ee + name_length) {
    std::memcpy(&e.offender, CMSG_DATA(c) + sizeof ee, name_length);
    const sa_family_t want = v6 ? AF_INET6 : AF_INET;
    if (e.offender.base.sa_family != want) e.offender = SocketAddress{};
  }
  return e;
}

}  // namespace

ReceiveControl parse_receive_control(std::span<const std::byte> control) {
  ReceiveControl out;
  // CMSG_* walk a msghdr; this one only describes the bytes (never written through).
  msghdr h{};
  h.msg_control = const_cast<std::byte*>(control.data());
  h.msg_controllen = control.size();
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    const auto offset = static_cast<std::size_t>(reinterpret_cast<const std::byte*>(c) - control.data());
    if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > control.size() - offset) break;
    const std::size_t n = data_length(c);
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS && n >= sizeof(timespec)) {
      const auto ts = read_data<timespec>(c);
      out.kernel_time = WallTime(std::chrono::duration_cast<WallTime::duration>(
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
    } else if (((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
                (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) &&
               n >= sizeof(int)) {
      out.ttl = read_data<int>(c);
    } else if (((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
                (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) &&
               n >= sizeof(sock_extended_err)) {
      out.error = queued_error(c, c->cmsg_level == IPPROTO_IPV6);
    }
  }
  return out;
}

}  // namespace netprom
