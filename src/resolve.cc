// SPDX-License-Identifier: MIT
#include "resolve.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

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

namespace {

int to_af(Family family) {
  switch (family) {
    case Family::v4: return AF_INET;
    case Family::v6: return AF_INET6;
    case Family::any: break;
  }
  return AF_UNSPEC;
}

// The first IPv4 or IPv6 answer, in the order getaddrinfo sorted them (RFC 6724 via
// /etc/gai.conf), which is the "system order" ping and fping use too.
std::optional<SocketAddress> first_address(const addrinfo* list) {
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    SocketAddress address{};
    if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
      std::memcpy(&address.v4, ai->ai_addr, sizeof(sockaddr_in));
      return address;
    }
    if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
      std::memcpy(&address.v6, ai->ai_addr, sizeof(sockaddr_in6));
      return address;
    }
  }
  return std::nullopt;
}

// One asynchronous lookup. glibc's helper thread reads `host` and `hints` and writes `cb`
// until the request completes, so a Lookup must outlive its request.
struct Lookup {
  std::string host;
  addrinfo hints{};
  gaicb cb{};
};

// Lookups still running in a glibc thread when the deadline passed. gai_cancel cannot stop a
// lookup that a thread has started (EAI_NOTCANCELED), and freeing it would let that thread
// write into freed memory. They are parked here instead, reachable (so leak checkers stay
// quiet) and never freed; process exit does not wait for glibc's helper threads. This is
// the one piece of global state, bounded by the number of names that timed out per run.
void park_unfinished(std::unique_ptr<Lookup> lookup) {
  static std::mutex mutex;
  static auto* parked = new std::vector<std::unique_ptr<Lookup>>();
  const std::lock_guard lock(mutex);
  parked->push_back(std::move(lookup));
}

}  // namespace

std::optional<SocketAddress> parse_address_literal(const std::string& text) {
  // Dotted-quad IPv4, by far the most common, without getaddrinfo()'s allocations: 10,000
  // destinations cost 10 M instructions that way. inet_pton() takes only the dotted quad,
  // a subset of what getaddrinfo() takes (which also reads "127.1" and octal), with the
  // same result for it.
  SocketAddress v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4.v4.sin_addr) == 1) {
    v4.v4.sin_family = AF_INET;
    return v4;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST;  // never asks DNS; parses IPv6 %scope by name or number
  addrinfo* list = nullptr;
  if (::getaddrinfo(text.c_str(), nullptr, &hints, &list) != 0) return std::nullopt;
  std::optional<SocketAddress> address = first_address(list);
  ::freeaddrinfo(list);
  return address;
}

std::vector<std::optional<SocketAddress>> GetaddrinfoResolver::resolve(
    std::span<const ResolveRequest> requests, MonoTime deadline) {
  std::vector<std::optional<SocketAddress>> results(requests.size());
  std::vector<std::unique_ptr<Lookup>> lookups(requests.size());
  std::vector<gaicb*> queued;
  std::vector<std::size_t> queued_index;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const ResolveRequest& request = requests[i];
    if (request.host.empty()) continue;
    if (std::optional<SocketAddress> literal = parse_address_literal(request.host)) {
      if (request.family == Family::any || family_of(*literal) == request.family) results[i] = literal;
      continue;
    }
    auto lookup = std::make_unique<Lookup>();
    lookup->host = request.host;
    lookup->hints.ai_family = to_af(request.family);
    lookup->hints.ai_socktype = SOCK_DGRAM;  // one answer per address instead of three
    // No AI_ADDRCONFIG: it hides ::1 and 127.0.0.1 on hosts or namespaces with only
    // loopback addresses, which is exactly where the tests run.
    lookup->cb.ar_name = lookup->host.c_str();
    lookup->cb.ar_request = &lookup->hints;
    queued.push_back(&lookup->cb);
    queued_index.push_back(i);
    lookups[i] = std::move(lookup);
  }
  if (queued.empty()) return results;

  // All names go to glibc at once; it runs them on a small pool of helper threads. When it
  // cannot queue some (EAI_AGAIN, EAI_MEMORY) their zeroed gaicb reads as finished with no
  // answer below, so those names are unresolved this run; the queued ones are waited for.
  ::getaddrinfo_a(GAI_NOWAIT, queued.data(), static_cast<int>(queued.size()), nullptr);

  // gai_suspend returns when any listed request completes; completed entries are replaced
  // by null pointers (which it ignores) so it does not return at once again.
  std::vector<const gaicb*> waiting(queued.begin(), queued.end());
  std::size_t left = waiting.size();
  while (left > 0) {
    for (const gaicb*& cb : waiting) {
      if (cb != nullptr && ::gai_error(const_cast<gaicb*>(cb)) != EAI_INPROGRESS) {
        cb = nullptr;
        --left;
      }
    }
    if (left == 0) break;
    const auto remaining = deadline - std::chrono::steady_clock::now();
    if (remaining <= std::chrono::nanoseconds::zero()) break;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(remaining).count();
    timespec timeout{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    ::gai_suspend(waiting.data(), static_cast<int>(waiting.size()), &timeout);
  }

  for (std::size_t q = 0; q < queued.size(); ++q) {
    std::unique_ptr<Lookup>& lookup = lookups[queued_index[q]];
    int status = ::gai_error(&lookup->cb);
    if (status == EAI_INPROGRESS) {
      status = ::gai_cancel(&lookup->cb);
      if (status == EAI_NOTCANCELED) {
        park_unfinished(std::move(lookup));
        continue;
      }
      // EAI_CANCELED: removed from glibc's queue, never touched again. EAI_ALLDONE: it
      // finished in the meantime; its result is too late for this run but must be freed.
    }
    if (status == 0) results[queued_index[q]] = first_address(lookup->cb.ar_result);
    if (lookup->cb.ar_result != nullptr) ::freeaddrinfo(lookup->cb.ar_result);
  }
  return results;
}

}  // namespace netprom
