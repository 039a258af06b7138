// SPDX-License-Identifier: MIT
// Names and address literals to socket addresses, all at once and bounded by the run deadline.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clock.h"
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
/// Parses a numeric IPv4 or IPv6 literal (IPv6 may carry %scope). No DNS. nullopt when
/// `text` is not a literal.
std::optional<SocketAddress> parse_address_literal(const std::string& text);

/// One name or literal to resolve, and the family wanted (any = the system's first answer).
struct ResolveRequest {
  std::string host;
  Family family = Family::any;
};

/// Names to addresses. Abstract so tests can script answers; the real one is
/// GetaddrinfoResolver.
class Resolver {
 public:
  virtual ~Resolver() = default;
  /// Resolves every request concurrently and returns one entry per request, in order:
  /// an address, or nullopt when the name has no address of the wanted family, failed, or
  /// had not answered by `deadline`. Returns by `deadline` even if a name server never
  /// answers. Per-name failures are data, not exceptions.
  virtual std::vector<std::optional<SocketAddress>> resolve(std::span<const ResolveRequest> requests,
                                                            MonoTime deadline) = 0;
};

/// getaddrinfo_a(3) for names (glibc resolves them on its own helper threads), with
/// gai_suspend(3) bounded by the deadline; literals are parsed directly and skip DNS.
class GetaddrinfoResolver final : public Resolver {
 public:
  std::vector<std::optional<SocketAddress>> resolve(std::span<const ResolveRequest> requests,
                                                    MonoTime deadline) override;
};

}  // namespace netprom
