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
#include "ping_sockets.h"
#include "pmtu_prober.h"

namespace netprom {

namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

// The loop alternates between sending and receiving. Receiving reads at most this many
// packets per socket before sending gets a turn again.
constexpr std::size_t kMaxPerTurn = 1024;
// Sending hands over after one receive batch of requests, so that replies are read (and their
// buffer space freed) while a large round is being sent, and while the kernel's buffers of
// them (on loopback already queued) are still in the CPU's caches (bench/RESULTS.md).
constexpr std::size_t kMaxSendsPerTurn = kMaxBatch;
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

// The shortest interval of the targets that send more than one request: the schedule's
// wake-up slack and the stagger of a batch stay below it. nullopt: none does.
std::optional<nanoseconds> shortest_interval(std::span<const TargetSpec> targets) {
  std::optional<nanoseconds> shortest;
  for (const TargetSpec& t : targets)
    if (t.probe.count > 1)
      shortest = std::min(shortest.value_or(nanoseconds::max()), seconds_to_ns(t.probe.interval));
  return shortest;
}

class PingLoop {
 public:
  PingLoop(Clock& clock, std::vector<IcmpSocket*> sockets, std::vector<SocketSlots> slots, const PingOptions& options,
           const PingSeed& seed, std::span<const TargetSpec> targets, MonoTime deadline)
      : clock_(clock), seed_(seed), options_(options), deadline_(deadline), targets_(targets),
        slots_(std::move(slots)), shortest_interval_(shortest_interval(targets)),
        schedule_(schedule_options(options, shortest_interval_, deadline)),
        ledger_(targets.size(), deadline), sockets_(std::move(sockets)), blocked_(sockets_.size()),
        readable_(sockets_.size()) {
    std::size_t largest = kMinPayloadSize;
    for (const TargetSpec& t : targets) {
      const ProbeSettings& p = t.probe;
      if (p.count < 1) throw std::invalid_argument("count must be at least 1");
      if (p.size < static_cast<int>(kMinPayloadSize) || p.size > static_cast<int>(kMaxPayloadSize))
        throw std::invalid_argument(fmt::format("size must be between {} and {} bytes", kMinPayloadSize, kMaxPayloadSize));
      if (p.interval < 0 || p.timeout <= 0)
        throw std::invalid_argument("interval must not be negative and timeout must be positive");
      largest = std::max(largest, static_cast<std::size_t>(p.size));
    }
    packet_.resize(kIcmpHeaderSize + largest);
  }

  // Plans every resolved address of `batch` (Resolution::request is the target), the first
  // requests staggered from `at`. IPv4 destinations first, then IPv6, so that consecutive
  // requests mostly go to the same socket.
  void start(std::span<const Resolution> batch, MonoTime at) {
    std::vector<std::uint32_t> added;
    for (const Family family : {Family::v4, Family::v6}) {
      for (const Resolution& r : batch) {
        if (!r.address || family_of(*r.address) != family) continue;
        const ProbeSettings& p = targets_[r.request].probe;
        added.push_back(ledger_.add_destination({.address = *r.address,
                                                 .target = static_cast<std::uint32_t>(r.request),
                                                 .slot = slots_[r.request][family == Family::v6],
                                                 .timeout = seconds_to_ns(p.timeout),
                                                 .count = static_cast<std::uint32_t>(p.count),
                                                 .size = static_cast<std::size_t>(p.size)}));
        planned_ += static_cast<std::uint64_t>(p.count);
      }
    }
    if (added.empty()) return;
    if (planned_ > std::numeric_limits<std::uint32_t>::max()) {
      throw std::invalid_argument("too many echo requests in one run (destinations x count > 2^32 - 1)");
    }
    ledger_.reserve(planned_);
    nanoseconds spread = std::min<nanoseconds>(kStaggerStep * static_cast<std::int64_t>(added.size()), kMaxStagger);
    if (shortest_interval_) spread = std::min(spread, *shortest_interval_ / 2);
    const nanoseconds step = spread / static_cast<std::int64_t>(added.size());
    for (std::size_t i = 0; i < added.size(); ++i) {
      const PingDestination& d = ledger_.destination(added[i]);
      schedule_.add(added[i], at + step * static_cast<std::int64_t>(i), d.count,
                    seconds_to_ns(targets_[d.target].probe.interval));
    }
  }

  // Names still being resolved (nullptr: none): each one is planned as soon as it resolves.
  void resolve_with(Resolver* resolver) { resolver_ = resolver; }

  std::vector<PingResult> run() {
    while (ledger_.destinations() > 0 || resolving()) {
      receive_ready();
      const MonoTime now = clock_.mono_now();
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
      std::fill(readable_.begin(), readable_.end(), true);
      receive_ready();
    }
    return ledger_.take_results();
  }

 private:
  bool stopped() const { return options_.stop && *options_.stop; }
  bool resolving() const { return resolver_ != nullptr && resolver_->next_check().has_value(); }

  static ScheduleOptions schedule_options(const PingOptions& options, std::optional<nanoseconds> shortest_interval,
                                          MonoTime deadline) {
    ScheduleOptions o;
    o.deadline = deadline;
    if (options.rate && *options.rate > 0) {
      o.rate_step = nanoseconds(static_cast<std::int64_t>(std::ceil(1e9 / *options.rate)));
    } else {
      o.send_slack = std::min<nanoseconds>(kSendSlack, shortest_interval.value_or(kSendSlack * 16) / 16);
    }
    return o;
  }

  // Sends what is due, in due order, one system call and one send time per request. The
  // send time is read right before the call, as ping does: on loopback each send also runs
  // the echo reply, so a time shared by a batch made the 64th request's RTT 140 us instead of
  // 5 us (bench/RESULTS.md). That reading is the monotonic clock's; the realtime - monotonic
  // offset that round_trip_time compares to tell a clock step is read once a turn.
  void send_due(MonoTime now) {
    const bool new_wake_up = !mid_group_;
    mid_group_ = false;
    const Timestamp turn = clock_.now();
    for (std::size_t handled = 0; handled < kMaxSendsPerTurn; ++handled) {
      const std::optional<PingSchedule::Request> next = schedule_.next();
      if (!next || !schedule_.may_send(now, handled == 0 && new_wake_up)) return;
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
      const std::size_t length = render_echo_request(packet_, socket->family(), seed_.identifier,
                                                     sequence_of(seed_, r), seed_.nonce, r, destination.size);
      const MonoTime mono = clock_.mono_now();
      const Timestamp sent{mono, turn.wall + std::chrono::duration_cast<WallTime::duration>(mono - turn.mono)};
      const int error = socket->send(destination.address, std::span(packet_).first(length));
      if (error == EAGAIN) {
        blocked_[destination.slot] = true;  // send buffer full: wait for POLLOUT
        return;
      }
      ledger_.record_send(next->destination, sent, error);
      schedule_.take(now);
    }
    // The turn ended, not the wake-up: what is due goes on after a look at the replies.
    mid_group_ = schedule_.may_send(now, false);
  }

  // Reads the sockets that the last wait() reported readable. A short batch means the queue
  // was empty (or the socket reads fewer at a time): the next wait() tells which, so no call
  // is spent just to see EAGAIN. At most kMaxPerTurn each, so sending gets its turn.
  void receive_ready() {
    for (std::uint16_t slot = 0; slot < sockets_.size(); ++slot) {
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

  void handle(std::uint16_t slot, const IcmpSocket& socket, const Datagram& datagram, const Timestamp& read) {
    const Match match = match_message(seed_, socket.family(), slot, socket.kind(), datagram, ledger_);
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
      const std::uint16_t slot = ledger_.destination(next->destination).slot;
      if (!blocked_[slot] || sockets_[slot] == nullptr) {
        wake = std::min(wake, mid_group_ ? next->due : *schedule_.wake_time());
      }
    }
    if (const std::optional<MonoTime> expiry = ledger_.next_expiry()) wake = std::min(wake, *expiry);
    if (resolving()) wake = std::min(wake, *resolver_->next_check());
    fds_.clear();
    slot_of_.clear();
    for (std::uint16_t slot = 0; slot < sockets_.size(); ++slot) {
      if (sockets_[slot] == nullptr) continue;
      fds_.push_back({sockets_[slot]->fd(), static_cast<short>(POLLIN | (blocked_[slot] ? POLLOUT : 0)), 0});
      slot_of_.push_back(slot);
    }
    clock_.wait(fds_, wake);
    for (std::size_t i = 0; i < fds_.size(); ++i) {
      if (fds_[i].revents & (POLLOUT | POLLERR)) blocked_[slot_of_[i]] = false;
      if (fds_[i].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) readable_[slot_of_[i]] = true;
    }
  }

  Clock& clock_;
  Resolver* resolver_ = nullptr;
  PingSeed seed_;
  const PingOptions& options_;
  MonoTime deadline_;
  std::span<const TargetSpec> targets_;
  std::vector<SocketSlots> slots_;  // per target
  std::optional<nanoseconds> shortest_interval_;  // computed once: start() runs per resolved batch
  PingSchedule schedule_;
  PingLedger ledger_;
  std::vector<IcmpSocket*> sockets_;  // by slot; null: no socket of that family (EAFNOSUPPORT)
  std::vector<char> blocked_;         // the send buffer was full: wait for POLLOUT
  std::vector<char> readable_;        // the last wait() reported the socket readable
  bool mid_group_ = false;            // send_due() stopped at kMaxSendsPerTurn with more due
  std::vector<pollfd> fds_;
  std::vector<std::uint16_t> slot_of_;
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
                                       const PingSeed& seed, std::span<const TargetSpec> targets,
                                       std::span<const std::optional<SocketAddress>> addresses, MonoTime deadline) {
  if (addresses.size() != targets.size()) throw std::invalid_argument("one address per target");
  PingLoop loop(clock, {v4, v6}, std::vector<SocketSlots>(targets.size(), {0, 1}), options, seed, targets, deadline);
  std::vector<Resolution> batch;
  for (std::size_t i = 0; i < addresses.size(); ++i) batch.push_back({i, addresses[i]});
  loop.start(batch, clock.now().mono);
  return loop.run();
}

std::vector<PingResult> run_pings(std::span<const TargetSpec> targets, const PingOptions& options,
                                  Resolver& resolver, Clock& clock, const SocketOpener& open_socket,
                                  const PingSeed& seed) {
  const MonoTime deadline = clock.now().mono + options.deadline;
  // Every socket, the path MTU probe ones too, is open before privileges go, and they go
  // before resolution starts: getaddrinfo_a's helper threads would keep them (capset acts on
  // the calling thread only), and no thread exists yet.
  SocketPlan plan = plan_sockets(targets);
  OpenSockets sockets = open_sockets(plan, open_socket);
  if (options.on_sockets_open) options.on_sockets_open();

  std::vector<IcmpSocket*> raw(sockets.sockets.size());
  std::transform(sockets.sockets.begin(), sockets.sockets.end(), raw.begin(),
                 [](const auto& socket) { return socket.get(); });
  PingLoop loop(clock, std::move(raw), std::move(plan.slots), options, seed, targets, deadline);
  const MonoTime now = clock.now().mono;
  resolver.start(targets, now);
  loop.start(resolver.take_answers(now), now);  // literals start at once
  loop.resolve_with(&resolver);
  std::vector<PingResult> results = loop.run();
  if ((sockets.pmtu[0] || sockets.pmtu[1]) && !(options.stop && *options.stop)) {
    // A phase of its own after the echo requests, within the rest of the deadline: probes are
    // never counted as requests, and a destination that did not answer (or did not ask for
    // --pmtu) costs no probes.
    std::vector<std::optional<SocketAddress>> addresses(results.size());
    for (std::size_t i = 0; i < results.size(); ++i)
      if (targets[i].probe.pmtu && results[i].received > 0) addresses[i] = results[i].address;
    const std::vector<std::optional<int>> mtus =
        probe_path_mtus(clock, sockets.pmtu[0].get(), sockets.pmtu[1].get(), seed, addresses,
                        PathMtuOptions{plan.pmtu_timeout, 2}, deadline);
    for (std::size_t i = 0; i < results.size(); ++i) results[i].path_mtu = mtus[i];
  }
  return results;
}

std::vector<PingResult> run_pings(std::span<const TargetSpec> targets, const PingOptions& options) {
  SystemClock clock;
  GetaddrinfoResolver resolver;
  return run_pings(targets, options, resolver, clock, open_icmp_socket, make_random_seed());
}

}  // namespace netprom
