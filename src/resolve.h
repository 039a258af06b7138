// SPDX-License-Identifier: MIT
// Names and address literals to socket addresses, all at once and bounded by the run deadline.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clock.h"
#include "family.h"
#include "settings.h"
#include "socket_address.h"

namespace netprom {

/// Parses a numeric IPv4 or IPv6 literal (IPv6 may carry %scope). No DNS. nullopt when
/// `text` is not a literal.
std::optional<SocketAddress> parse_address_literal(const std::string& text);

/// The answer for target `request` (its index in Resolver::start's targets): an address, or
/// nullopt when the host is empty, has no address of the wanted family or failed.
struct Resolution {
  std::size_t request = 0;
  std::optional<SocketAddress> address;
};

/// Names to addresses, beside the pinging: start() hands every target over at once, and the
/// event loop collects answers as they come in with take_answers(), waking by next_check().
/// Abstract so tests can script answers on simulated time; the real one is GetaddrinfoResolver.
/// Targets still unanswered when the resolver is destroyed are given up.
class Resolver {
 public:
  virtual ~Resolver() = default;
  /// Starts resolving the host of every target (TargetSpec::host) in the family its settings
  /// want (TargetSpec::probe.family; any: the system's first answer) at `now`; returns at once.
  /// A target with an address (TargetSpec::address: a literal's, a gateway's) is answered with
  /// it at once, without DNS; names are copied. Call once.
  virtual void start(std::span<const TargetSpec> targets, MonoTime now) = 0;
  /// Returns the answers that came in since the last call, without blocking. Per-name
  /// failures are data (nullopt addresses), not exceptions.
  virtual std::vector<Resolution> take_answers(MonoTime now) = 0;
  /// When take_answers() should be called next; nullopt once every target is answered.
  virtual std::optional<MonoTime> next_check() const = 0;
};

/// getaddrinfo_a(3) for names: glibc resolves them on its own helper threads (start only
/// after every capability is dropped: those threads would inherit them). Completion is
/// polled with gai_error(3) at next_check(), which backs off from 1 ms to 50 ms, so a name
/// costs the loop a few wake-ups and never a thread or a signal of ours.
class GetaddrinfoResolver final : public Resolver {
 public:
  GetaddrinfoResolver();
  ~GetaddrinfoResolver() override;
  GetaddrinfoResolver(const GetaddrinfoResolver&) = delete;
  GetaddrinfoResolver& operator=(const GetaddrinfoResolver&) = delete;
  void start(std::span<const TargetSpec> targets, MonoTime now) override;
  std::vector<Resolution> take_answers(MonoTime now) override;
  std::optional<MonoTime> next_check() const override;

 private:
  struct Lookup;
  std::vector<Resolution> ready_;                  // literals and failures to queue
  std::vector<std::unique_ptr<Lookup>> running_;   // names glibc is resolving
  std::optional<MonoTime> next_check_;
  std::chrono::nanoseconds backoff_;
};

}  // namespace netprom
