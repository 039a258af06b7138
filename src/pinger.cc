// SPDX-License-Identifier: MIT
// The event loop of the ping collector: sends what the schedule says is due, reads what comes
// back, lets the matcher name the request and the ledger record the outcome.
#include "pinger.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "icmp_packet.h"
#include "ping_ledger.h"
#include "ping_matcher.h"
#include "ping_schedule.h"
#include "pmtu_prober.h"

namespace netprom {

namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

// The loop alternates between sending and receiving; neither side handles more than this
// many packets before the other gets a turn, so replies are read (and their buffer space
// freed) while a large round is being sent.
constexpr std::size_t kMaxPerTurn = 1024;
// Start of the i-th destination of a batch: i * step after the batch starts, step <= 10 us,
// spread over at most 250 ms (and at most half an interval), so 10,000 destinations do not
// burst in the same microsecond and the run is not stretched by more than that.
constexpr nanoseconds kStaggerStep = 10us;
constexpr nanoseconds kMaxStagger = 250ms;
// Wake-up grouping (PingSchedule): a due request waits for the rest of its group for at most
// kSendSlack, so the loop wakes once per group rather than once per request (10,000
// destinations are due 10 us apart). Its send time is still read right before the system
// call that sends it, so RTTs are unaffected; only the schedule shifts, by kSendSlack at most.
// With short intervals the bound shrinks to a sixteenth of the interval. Each wake-up costs
// tens of microseconds of CPU (poll, timer, scheduler, cold caches; bench/RESULTS.md).
constexpr nanoseconds kSendSlack = 3ms;

class PingLoop {
 public:
  PingLoop(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingOptions& options, const PingSeed& seed,
           std::size_t targets, MonoTime deadline)
      : clock_(clock), seed_(seed), options_(options), deadline_(deadline),
        schedule_(schedule_options(options, deadline)), ledger_(targets, deadline) {
    sockets_ = {v4, v6};
    if (options.count < 1) throw std::invalid_argument("count must be at least 1");
    if (options.size < static_cast<int>(kMinPayloadSize) || options.size > static_cast<int>(kMaxPayloadSize)) {
      throw std::invalid_argument(fmt::format("size must be between {} and {} bytes", kMinPayloadSize, kMaxPayloadSize));
    }
    if (options.interval < nanoseconds::zero() || options.timeout <= nanoseconds::zero()) {
      throw std::invalid_argument("interval must not be negative and timeout must be positive");
    }
    size_ = static_cast<std::size_t>(options.size);
    packet_.resize(kIcmpHeaderSize + size_);
  }

  // Plans every resolved address of `batch` (Resolution::request is the target), the first
  // requests staggered from `at`. IPv4 destinations first, then IPv6, so that consecutive
  // requests mostly go to the same socket.
  void start(std::span<const Resolution> batch, MonoTime at) {
    std::vector<std::uint32_t> added;
    for (const Family family : {Family::v4, Family::v6}) {
      for (const Resolution& r : batch) {
        if (!r.address || family_of(*r.address) != family) continue;
        added.push_back(ledger_.add_destination(
            {*r.address, static_cast<std::uint32_t>(r.request), static_cast<std::uint8_t>(family == Family::v6),
             options_.timeout}));
      }
    }
    if (added.empty()) return;
    const auto count = static_cast<std::uint64_t>(options_.count);
    planned_ += added.size() * count;
    if (planned_ > std::numeric_limits<std::uint32_t>::max()) {
      throw std::invalid_argument("too many echo requests in one run (destinations x count > 2^32 - 1)");
    }
    ledger_.reserve(planned_);
    nanoseconds spread = std::min<nanoseconds>(kStaggerStep * static_cast<std::int64_t>(added.size()), kMaxStagger);
    if (count > 1) spread = std::min<nanoseconds>(spread, options_.interval / 2);
    const nanoseconds step = spread / static_cast<std::int64_t>(added.size());
    for (std::size_t i = 0; i < added.size(); ++i) {
      schedule_.add(added[i], at + step * static_cast<std::int64_t>(i), static_cast<std::uint32_t>(count),
                    options_.interval);
    }
  }

  // The address of every target that got at least one valid reply (nullopt for the others).
  std::vector<std::optional<SocketAddress>> answered(std::span<const PingResult> results) const {
    std::vector<std::optional<SocketAddress>> out(results.size());
    for (std::uint32_t d = 0; d < ledger_.destinations(); ++d) {
      const PingDestination& destination = ledger_.destination(d);
      if (results[destination.target].received > 0) out[destination.target] = destination.address;
    }
    return out;
  }

  // Names still being resolved (nullptr: none): each one is planned as soon as it resolves.
  void resolve_with(Resolver* resolver) { resolver_ = resolver; }

  std::vector<PingResult> run() {
    while (ledger_.destinations() > 0 || resolving()) {
      receive_ready();
      const MonoTime now = clock_.now().mono;
      if (now >= deadline_ || stopped()) {
        ledger_.expire_all();
        break;
      }
      if (resolving() && *resolver_->next_check() <= now) start(resolver_->take_answers(now), now);
      ledger_.expire(now);
      send_due(now);
      if (schedule_.left() == 0 && ledger_.pending() == 0 && !resolving()) break;
      if (options_.on_progress && now >= next_progress_) {
        options_.on_progress(ledger_.sent() - ledger_.pending(), planned_);
        next_progress_ = now + kProgressPeriod;
      }
      if (!stopped()) wait();  // a signal that came meanwhile would not interrupt this wait
    }
    // Replies already queued when the loop ended can still be in time (a request expired
    // while its reply sat unread in the queue); the kernel timestamp decides.
    if (ledger_.destinations() > 0) {
      readable_ = {true, true};
      receive_ready();
    }
    return ledger_.take_results(static_cast<std::uint64_t>(options_.count));
  }

 private:
  bool stopped() const { return options_.stop && *options_.stop; }
  bool resolving() const { return resolver_ != nullptr && resolver_->next_check().has_value(); }

  static ScheduleOptions schedule_options(const PingOptions& options, MonoTime deadline) {
    ScheduleOptions o;
    o.deadline = deadline;
    if (options.rate && *options.rate > 0) {
      o.rate_step = nanoseconds(static_cast<std::int64_t>(std::ceil(1e9 / *options.rate)));
    } else {
      o.send_slack = options.count > 1 ? std::min<nanoseconds>(kSendSlack, options.interval / 16) : kSendSlack;
    }
    return o;
  }

  // Sends what is due, in due order, one system call and one send time per request. The
  // send time is read right before the call, as ping does: on loopback each send also runs
  // the echo reply, so a time shared by a batch made the 64th request's RTT 140 us instead of
  // 5 us (bench/RESULTS.md).
  void send_due(MonoTime now) {
    for (std::size_t handled = 0; handled < kMaxPerTurn; ++handled) {
      const std::optional<PingSchedule::Request> next = schedule_.next();
      if (!next || !schedule_.may_send(now, handled == 0)) return;
      const PingDestination& destination = ledger_.destination(next->destination);
      IcmpSocket* socket = sockets_[destination.slot];
      if (socket == nullptr) {
        // The kernel has no such family (IPv6 disabled): that destination's data, not a crash.
        ledger_.record_send(next->destination, clock_.now(), EAFNOSUPPORT);
        schedule_.take(now);
        continue;
      }
      if (blocked_[destination.slot]) return;
      const std::uint32_t r = ledger_.sent();
      render_echo_request(packet_, socket->family(), seed_.identifier, sequence_of(seed_, r), seed_.nonce, r, size_);
      const Timestamp sent = clock_.now();
      const int error = socket->send(destination.address, packet_);
      if (error == EAGAIN) {
        blocked_[destination.slot] = true;  // send buffer full: wait for POLLOUT
        return;
      }
      ledger_.record_send(next->destination, sent, error);
      schedule_.take(now);
    }
  }

  // Reads the sockets that the last wait() reported readable. A short batch means the queue
  // was empty (or the socket reads fewer at a time): the next wait() tells which, so no call
  // is spent just to see EAGAIN. At most kMaxPerTurn each, so sending gets its turn.
  void receive_ready() {
    for (std::uint8_t slot = 0; slot < 2; ++slot) {
      IcmpSocket* socket = sockets_[slot];
      if (socket == nullptr || !readable_[slot]) continue;
      readable_[slot] = false;
      std::size_t handled = 0;
      while (handled < kMaxPerTurn) {
        const std::size_t n = socket->receive(received_);
        if (n == 0) break;
        const Timestamp read = clock_.now();
        for (std::size_t i = 0; i < n; ++i) handle(slot, *socket, received_[i], read);
        handled += n;
        if (n < received_.size()) break;
      }
    }
  }

  void handle(std::uint8_t slot, const IcmpSocket& socket, const Datagram& datagram, const Timestamp& read) {
    const Match match = match_message(seed_, size_, slot, socket.kind(), datagram, ledger_);
    switch (match.verdict) {
      case Verdict::foreign:
        break;
      case Verdict::corrupt:
        ledger_.count_corrupt(match.request);
        break;
      case Verdict::reply:
        ledger_.transition(match.request, RequestEvent::reply,
                           round_trip_time(ledger_.sent_at(match.request), datagram.kernel_time, read),
                           {.ttl = datagram.ttl});
        break;
      case Verdict::error:
        ledger_.transition(match.request, RequestEvent::error, {},
                           {.ttl = {}, .error_type = match.error_type, .error_from = match.error_from});
        break;
    }
  }

  void wait() {
    MonoTime wake = deadline_;
    if (const std::optional<PingSchedule::Request> next = schedule_.next()) {
      const std::uint8_t slot = ledger_.destination(next->destination).slot;
      if (!blocked_[slot] || sockets_[slot] == nullptr) wake = std::min(wake, *schedule_.wake_time());
    }
    if (const std::optional<MonoTime> expiry = ledger_.next_expiry()) wake = std::min(wake, *expiry);
    if (resolving()) wake = std::min(wake, *resolver_->next_check());
    std::array<pollfd, 2> fds{};
    std::array<std::uint8_t, 2> slot_of{};
    std::size_t nfds = 0;
    for (std::uint8_t slot = 0; slot < 2; ++slot) {
      if (sockets_[slot] == nullptr) continue;
      fds[nfds].fd = sockets_[slot]->fd();
      fds[nfds].events = static_cast<short>(POLLIN | (blocked_[slot] ? POLLOUT : 0));
      slot_of[nfds++] = slot;
    }
    clock_.wait(std::span(fds.data(), nfds), wake);
    for (std::size_t i = 0; i < nfds; ++i) {
      if (fds[i].revents & (POLLOUT | POLLERR)) blocked_[slot_of[i]] = false;
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) readable_[slot_of[i]] = true;
    }
  }

  Clock& clock_;
  Resolver* resolver_ = nullptr;
  PingSeed seed_;
  const PingOptions& options_;
  MonoTime deadline_;
  PingSchedule schedule_;
  PingLedger ledger_;
  std::array<IcmpSocket*, 2> sockets_{};
  std::array<bool, 2> blocked_{};   // the send buffer was full: wait for POLLOUT
  std::array<bool, 2> readable_{};  // the last wait() reported the socket readable
  std::size_t size_ = 0;
  std::uint64_t planned_ = 0;
  MonoTime next_progress_{};
  std::vector<std::byte> packet_;
  std::array<Datagram, kMaxBatch> received_{};
};

}  // namespace

PingSeed make_random_seed() {
  std::random_device random;  // getrandom(2) in libstdc++
  PingSeed seed;
  seed.identifier = static_cast<std::uint16_t>(random());
  seed.sequence_start = static_cast<std::uint16_t>(random());
  seed.nonce = (static_cast<std::uint64_t>(random()) << 32) | random();
  return seed;
}

std::vector<PingResult> ping_addresses(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingOptions& options,
                                       const PingSeed& seed, std::span<const std::optional<SocketAddress>> addresses,
                                       MonoTime deadline) {
  PingLoop loop(clock, v4, v6, options, seed, addresses.size(), deadline);
  std::vector<Resolution> batch;
  for (std::size_t i = 0; i < addresses.size(); ++i) batch.push_back({i, addresses[i]});
  loop.start(batch, clock.now().mono);
  return loop.run();
}

std::vector<PingResult> run_pings(const std::vector<PingTarget>& targets, const PingOptions& options,
                                  Resolver& resolver, Clock& clock, const SocketOpener& open_socket,
                                  const PingSeed& seed) {
  const MonoTime deadline = clock.now().mono + options.deadline;
  std::vector<ResolveRequest> requests;
  requests.reserve(targets.size());
  // The families to open a socket for: a literal's own, a name's wanted one, or both for a
  // name of either family. Only those: a v4-only run must not fail for want of IPv6, and each
  // open socket receives (and the raw ones filter) the host's ICMP traffic.
  std::array<std::size_t, 2> per_family{};
  for (const PingTarget& target : targets) {
    const Family family = target.family != Family::any ? target.family : options.family;
    requests.push_back({target.host, family});
    const std::optional<SocketAddress> literal = parse_address_literal(target.host);
    const Family pinged = literal ? family_of(*literal) : family;
    if (literal && family != Family::any && pinged != family) continue;  // a mismatch pings nothing
    if (target.host.empty()) continue;
    if (pinged != Family::v6) ++per_family[0];
    if (pinged != Family::v4) ++per_family[1];
  }

  IcmpSocketOptions socket_options;
  socket_options.ttl = options.ttl;
  socket_options.tos = options.tos;
  socket_options.interface = options.interface;
  socket_options.payload_size = static_cast<std::size_t>(std::max(options.size, 0));
  if (options.source) {
    socket_options.source = parse_address_literal(*options.source);
    if (!socket_options.source) {
      throw std::invalid_argument(fmt::format("source address '{}' is not an IP address", *options.source));
    }
  }
  // The path MTU probes get sockets of their own (don't fragment, sized for the largest
  // probe), opened here too: privileges go right after.
  std::array<std::unique_ptr<IcmpSocket>, 2> sockets;
  std::array<std::unique_ptr<IcmpSocket>, 2> pmtu_sockets;
  for (std::size_t slot = 0; slot < 2; ++slot) {
    if (per_family[slot] == 0) continue;
    socket_options.destinations = per_family[slot];
    const Family family = slot == 0 ? Family::v4 : Family::v6;
    try {
      sockets[slot] = open_socket(family, socket_options);
      if (options.pmtu) {
        IcmpSocketOptions probe_options = socket_options;
        probe_options.probe_path_mtu = true;
        probe_options.payload_size = kMaxPayloadSize;
        pmtu_sockets[slot] = open_socket(family, probe_options);
      }
    } catch (const std::system_error& e) {
      if (e.code() != std::errc::address_family_not_supported) throw;
    }
  }
  // Privileges go before resolution starts: getaddrinfo_a's helper threads would keep them
  // (capset acts on the calling thread only), and no thread exists yet.
  if (options.on_sockets_open) options.on_sockets_open();

  PingLoop loop(clock, sockets[0].get(), sockets[1].get(), options, seed, targets.size(), deadline);
  const MonoTime now = clock.now().mono;
  resolver.start(requests, now);
  loop.start(resolver.take_answers(now), now);  // literals start at once
  loop.resolve_with(&resolver);
  std::vector<PingResult> results = loop.run();
  if (options.pmtu && !(options.stop && *options.stop)) {
    // A phase of its own after the echo requests, within the rest of the deadline: probes are
    // never counted as requests, and a destination that did not answer costs no probes.
    const std::vector<std::optional<int>> mtus =
        probe_path_mtus(clock, pmtu_sockets[0].get(), pmtu_sockets[1].get(), seed, loop.answered(results),
                        PathMtuOptions{options.timeout, 2}, deadline);
    for (std::size_t i = 0; i < results.size(); ++i) results[i].path_mtu = mtus[i];
  }
  return results;
}

std::vector<PingResult> run_pings(const std::vector<PingTarget>& targets, const PingOptions& options) {
  SystemClock clock;
  GetaddrinfoResolver resolver;
  return run_pings(targets, options, resolver, clock, open_icmp_socket, make_random_seed());
}

}  // namespace netprom
