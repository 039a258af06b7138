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


// Lookups still running in a glibc thread when the deadline passed. gai_cancel cannot stop a
// lookup that a thread has started (EAI_NOTCANCELED), and freeing it would let that thread
// write into freed memory. They are parked here instead, reachable (so leak checkers stay
// quiet) and never freed; process exit does not wait for glibc's helper threads. This is
// the one piece of global state, bounded by the number of names that timed out per run.
template <typename Lookup>
void park_unfinished(std::unique_ptr<Lookup> lookup) {
  static std::mutex mutex;
  static auto* parked = new std::vector<std::unique_ptr<Lookup>>();
  const std::lock_guard lock(mutex);
  parked->push_back(std::move(lookup));
}

}  // namespace

// One asynchronous lookup. glibc's helper thread reads `host` and `hints` and writes `cb`
// until the request completes, so a Lookup must outlive its request.
struct GetaddrinfoResolver::Lookup {
  std::size_t request = 0;
  std::string host;
  addrinfo hints{};
  gaicb cb{};
};

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

namespace {
// Polling completion: the first check after 1 ms (a cached or local answer), then less often,
// up to every 50 ms for a slow name server.
constexpr std::chrono::nanoseconds kFirstCheck = std::chrono::milliseconds(1);
constexpr std::chrono::nanoseconds kMaxCheck = std::chrono::milliseconds(50);
}  // namespace

GetaddrinfoResolver::GetaddrinfoResolver() : backoff_(kFirstCheck) {}

GetaddrinfoResolver::~GetaddrinfoResolver() {
  for (std::unique_ptr<Lookup>& lookup : running_) {
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
    if (lookup->cb.ar_result != nullptr) ::freeaddrinfo(lookup->cb.ar_result);
  }
}

void GetaddrinfoResolver::start(std::span<const TargetSpec> targets, MonoTime now) {
  std::vector<gaicb*> queued;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::string& host = targets[i].host;
    const Family family = targets[i].probe.family;
    if (host.empty()) {
      ready_.push_back({i, std::nullopt});
      continue;
    }
    if (std::optional<SocketAddress> literal = targets[i].address) {
      if (family != Family::any && family_of(*literal) != family) literal.reset();
      ready_.push_back({i, literal});
      continue;
    }
    auto lookup = std::make_unique<Lookup>();
    lookup->request = i;
    lookup->host = host;
    lookup->hints.ai_family = to_af(family);
    lookup->hints.ai_socktype = SOCK_DGRAM;  // one answer per address instead of three
    // No AI_ADDRCONFIG: it hides ::1 and 127.0.0.1 on hosts or namespaces with only
    // loopback addresses, which is exactly where the tests run.
    lookup->cb.ar_name = lookup->host.c_str();
    lookup->cb.ar_request = &lookup->hints;
    queued.push_back(&lookup->cb);
    running_.push_back(std::move(lookup));
  }
  // All names go to glibc at once; it runs them on a small pool of helper threads. When it
  // cannot queue some (EAI_AGAIN, EAI_MEMORY) their zeroed gaicb reads as finished with no
  // answer, so those names are unresolved this run.
  if (!queued.empty()) ::getaddrinfo_a(GAI_NOWAIT, queued.data(), static_cast<int>(queued.size()), nullptr);
  next_check_ = ready_.empty() ? now + backoff_ : now;
  if (ready_.empty() && running_.empty()) next_check_.reset();
}

std::vector<Resolution> GetaddrinfoResolver::take_answers(MonoTime now) {
  std::vector<Resolution> answers = std::move(ready_);
  ready_.clear();
  std::erase_if(running_, [&answers](const std::unique_ptr<Lookup>& lookup) {
    const int status = ::gai_error(&lookup->cb);
    if (status == EAI_INPROGRESS) return false;
    answers.push_back({lookup->request, status == 0 ? first_address(lookup->cb.ar_result) : std::nullopt});
    if (lookup->cb.ar_result != nullptr) ::freeaddrinfo(lookup->cb.ar_result);
    return true;
  });
  if (running_.empty()) {
    next_check_.reset();
  } else {
    backoff_ = std::min(backoff_ * 2, kMaxCheck);
    next_check_ = now + backoff_;
  }
  return answers;
}

std::optional<MonoTime> GetaddrinfoResolver::next_check() const { return next_check_; }

}  // namespace netprom
