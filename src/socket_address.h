// SPDX-License-Identifier: MIT
// An IPv4 or IPv6 socket address: what a destination resolves to and what replies come from.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "family.h"

namespace netprom {

/// An IPv4 or IPv6 socket address in 28 bytes (sockaddr_storage is 128), so that 100,000
/// destinations stay compact. Zero-initialise with `SocketAddress a{};`.
union SocketAddress {
  sockaddr_in6 v6;
  sockaddr_in v4;
  sockaddr base;
};

/// Family::v4 for AF_INET, Family::v6 for AF_INET6, Family::any otherwise.
Family family_of(const SocketAddress& address);
/// The length to pass to sendto/bind for this address's family.
socklen_t length_of(const SocketAddress& address);
/// The numeric form, e.g. "198.18.0.2" or "fe80::1%eth0" (scope by interface name when it
/// still exists, else by number).
std::string format_address(const SocketAddress& address);
/// True when both hold the same family and address bytes; IPv6 scopes are compared only
/// when both are set (a reply's source carries the scope, a literal may not).
bool same_host(const SocketAddress& a, const SocketAddress& b);

}  // namespace netprom
