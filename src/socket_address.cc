// SPDX-License-Identifier: MIT
#include "socket_address.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <cstring>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace netprom {

Family family_of(const SocketAddress& address) {
  switch (address.base.sa_family) {
    case AF_INET: return Family::v4;
    case AF_INET6: return Family::v6;
    default: return Family::any;
  }
}

socklen_t length_of(const SocketAddress& address) {
  return address.base.sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
}

std::string format_address(const SocketAddress& address) {
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = {};
  if (address.base.sa_family == AF_INET) {  // as inet_ntop() prints it, without its sprintf
    unsigned char b[4];
    std::memcpy(b, &address.v4.sin_addr, 4);
    return fmt::format(FMT_COMPILE("{}.{}.{}.{}"), b[0], b[1], b[2], b[3]);
  }
  if (address.base.sa_family != AF_INET6) return {};
  ::inet_ntop(AF_INET6, &address.v6.sin6_addr, text, sizeof text);
  std::string result = text;
  if (address.v6.sin6_scope_id != 0) {
    char name[IF_NAMESIZE] = {};
    result += '%';
    result += ::if_indextoname(address.v6.sin6_scope_id, name) != nullptr
                  ? std::string(name)
                  : std::to_string(address.v6.sin6_scope_id);
  }
  return result;
}

bool same_host(const SocketAddress& a, const SocketAddress& b) {
  if (a.base.sa_family != b.base.sa_family) return false;
  if (a.base.sa_family == AF_INET) return a.v4.sin_addr.s_addr == b.v4.sin_addr.s_addr;
  if (a.base.sa_family != AF_INET6) return false;
  if (std::memcmp(&a.v6.sin6_addr, &b.v6.sin6_addr, sizeof a.v6.sin6_addr) != 0) return false;
  return a.v6.sin6_scope_id == 0 || b.v6.sin6_scope_id == 0 ||
         a.v6.sin6_scope_id == b.v6.sin6_scope_id;
}

}  // namespace netprom
