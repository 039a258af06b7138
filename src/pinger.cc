// SPDX-License-Identifier: MIT
#include "pinger.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "icmp_packet.h"

namespace netprom {

namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

// What happened to one request. One byte each: 500,000 requests cost 0.5 MB here plus two
// 8-byte send times.
enum class State : std::uint8_t {
  unsent,       // not sent (yet, or ever: the deadline came first); not counted in `sent`
  pending,      // sent, waiting for its reply
  received,     // a valid reply came within the timeout
  timed_out,    // no reply within the timeout (or by the deadline)
  late,         // a valid reply came, after the timeout
  error,        // an ICMP error (or a local error on the error queue) was reported for it
  send_failed,  // sendto failed for this destination (EHOSTUNREACH, ...)
};

// The loop alternates between sending and receiving; neither side handles more than this
// many packets before the other gets a turn, so replies are read (and their buffer space
// freed) while a large round is being sent.
constexpr std::size_t kMaxPerTurn = 1024;
// Start of destination d's requests: d * step after the run start, step <= 10 us, spread
// over at most 250 ms (and at most half an interval), so 10,000 destinations do not burst
// in the same microsecond and the run is not stretched by more than that.
constexpr nanoseconds kStaggerStep = 10us;
constexpr nanoseconds kMaxStagger = 250ms;
// The time a reply sat in the socket (our realtime reading at the read - its kernel
// timestamp, see rtt_ns) is trusted unless a real queue cannot explain it: negative beyond
// what slewing can do (NTP slews at most 0.05 %, so 2 ms covers seconds of it; the wall clock
// jumped back), or longer than any plausible wait (it jumped forward). Then the monotonic
// time from the send to the read is the RTT.
constexpr nanoseconds kClockSlack = 2ms;
constexpr nanoseconds kMaxQueueDelay = 1s;
// --rate: a request may go when the theoretical send time of the cap (one every 1/rate) has
// come; after an idle gap the catch-up burst is at most this much of the rate.
constexpr nanoseconds kRateSlack = 5ms;
// Wake-up grouping: a due request waits for the rest of its group (up to kWakeGroup
// consecutive requests to the same socket) for at most kSendSlack, so the loop wakes once per
// group rather than once per request (10,000 destinations are due 10 us apart); once awake it
// sends everything that is due. A request is never sent before it is due, and its send time
// is still read right before the system call that sends it, so RTTs are unaffected; only the
// schedule shifts, by kSendSlack at most. With short intervals the bound shrinks to a
// sixteenth of the interval. Each wake-up costs ~30 us of CPU (poll, timer, scheduler, cold
// caches): groups of 256 instead of 64 cut a 10,000 x 5 run from 780 to 200 wake-ups and its
// CPU by 5 % (bench/RESULTS.md).
constexpr nanoseconds kSendSlack = 3ms;
constexpr std::uint64_t kWakeGroup = 256;

std::int64_t to_ns(MonoTime t) { return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count(); }
std::int64_t to_ns(WallTime t) { return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count(); }

bool matches_quoted(const SocketAddress& address, const std::array<std::uint8_t, 16>& quoted) {
  if (address.base.sa_family == AF_INET) return std::memcmp(&address.v4.sin_addr, quoted.data(), 4) == 0;
  if (address.base.sa_family == AF_INET6) return std::memcmp(&address.v6.sin6_addr, quoted.data(), 16) == 0;
  return false;
}

std::array<std::uint8_t, 16> address_bytes(const SocketAddress& address) {
  std::array<std::uint8_t, 16> bytes{};
  if (address.base.sa_family == AF_INET) std::memcpy(bytes.data(), &address.v4.sin_addr, 4);
  if (address.base.sa_family == AF_INET6) std::memcpy(bytes.data(), &address.v6.sin6_addr, 16);
  return bytes;
}

// One run of the pinger: the schedule, the per-request state, and the event loop.
//
// Requests are numbered r = k * N + d (destination d, its k-th request), which is also the
// order they are scheduled in: destination d's k-th request is due at
//   start + d * stagger_step + k * interval,
// increasing in r because N * stagger_step < interval. So sending is a cursor (next_send_)
// over r, and since every request has the same timeout, requests also expire in r order
// (cursor next_expire_). A reply names its request by the 32-bit index in its payload; the
// 16-bit sequence (sequence_start + r) wraps every 65,536 requests and only confirms it.
class Run {
 public:
  Run(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingOptions& options, const PingSeed& seed,
      std::span<const std::optional<SocketAddress>> addresses, MonoTime deadline)
      : clock_(clock), seed_(seed), deadline_ns_(to_ns(deadline)) {
    sockets_[0] = v4;
    sockets_[1] = v6;
    if (options.count < 1) throw std::invalid_argument("count must be at least 1");
    if (options.size < static_cast<int>(kMinPayloadSize) || options.size > static_cast<int>(kMaxPayloadSize)) {
      throw std::invalid_argument(fmt::format("size must be between {} and {} bytes", kMinPayloadSize, kMaxPayloadSize));
    }
    if (options.interval < nanoseconds::zero() || options.timeout <= nanoseconds::zero()) {
      throw std::invalid_argument("interval must not be negative and timeout must be positive");
    }
    size_ = static_cast<std::size_t>(options.size);
    count_ = static_cast<std::uint64_t>(options.count);
    interval_ns_ = options.interval.count();
    timeout_ns_ = options.timeout.count();

    results_.resize(addresses.size());
    // IPv4 destinations first, then IPv6, so that consecutive requests mostly go to the
    // same socket and share wake-ups.
    for (const std::uint8_t slot : {std::uint8_t{0}, std::uint8_t{1}}) {
      const Family family = slot == 0 ? Family::v4 : Family::v6;
      for (std::size_t i = 0; i < addresses.size(); ++i) {
        if (!addresses[i] || family_of(*addresses[i]) != family) continue;
        PingResult& result = results_[i];
        result.resolved = true;
        result.address = format_address(*addresses[i]);
        result.family = family;
        result.rtt_seconds.assign(count_, std::numeric_limits<double>::quiet_NaN());
        destinations_.push_back({*addresses[i], static_cast<std::uint32_t>(i), slot});
      }
    }
    n_ = destinations_.size();
    total_ = n_ * count_;
    if (total_ > std::numeric_limits<std::uint32_t>::max()) {
      throw std::invalid_argument("too many echo requests in one run (destinations x count > 2^32 - 1)");
    }
    state_.assign(total_, State::unsent);
    sent_mono_.resize(total_);

    nanoseconds spread = std::min<nanoseconds>(kStaggerStep * static_cast<std::int64_t>(n_), kMaxStagger);
    if (count_ > 1) spread = std::min<nanoseconds>(spread, options.interval / 2);
    stagger_ns_ = n_ > 0 ? spread.count() / static_cast<std::int64_t>(n_) : 0;
    if (options.rate && *options.rate > 0) {
      rate_step_ns_ = static_cast<std::int64_t>(std::ceil(1e9 / *options.rate));
    }
    // --rate spaces requests out anyway; batching them would only make bursts.
    if (rate_step_ns_ == 0) {
      nanoseconds slack = kSendSlack;
      if (count_ > 1) slack = std::min<nanoseconds>(slack, options.interval / 16);
      send_slack_ns_ = slack.count();
    }
    packet_size_ = kIcmpHeaderSize + size_;
    send_buffer_.resize(kMaxBatch * packet_size_);
    on_progress_ = options.on_progress;
  }

  std::vector<PingResult> execute() {
    start_ns_ = to_ns(clock_.now().mono);
    tat_ = start_ns_;
    while (n_ > 0) {
      receive_ready();
      const std::int64_t now = to_ns(clock_.now().mono);
      if (now >= deadline_ns_) {
        expire_all();
        break;
      }
      expire(now);
      send_due(now);
      if (next_send_ == total_ && pending_ == 0) break;
      if (on_progress_ && now >= next_progress_ns_) {
        on_progress_(next_send_ - pending_, total_);
        next_progress_ns_ = now + std::chrono::nanoseconds(kProgressPeriod).count();
      }
      wait();
    }
    // Replies already queued when the loop ended can still be in time (a request expired
    // while its reply sat unread in the queue); the kernel timestamp decides.
    if (n_ > 0) {
      readable_ = {true, true};
      receive_ready();
    }
    return finish();
  }

 private:
  struct Destination {
    SocketAddress address;
    std::uint32_t target;  // index into the caller's list and results_
    std::uint8_t slot;     // 0: IPv4 socket, 1: IPv6 socket
  };

  std::int64_t due(std::uint64_t r) const {
    return start_ns_ + static_cast<std::int64_t>(r % n_) * stagger_ns_ +
           static_cast<std::int64_t>(r / n_) * interval_ns_;
  }
  // One past the last request of the wake-up group that starts at `first`: consecutive
  // requests to the same socket, at most kWakeGroup of them.
  std::uint64_t group_end(std::uint64_t first) const {
    const std::uint8_t slot = destinations_[first % n_].slot;
    const std::uint64_t limit = std::min<std::uint64_t>(total_, first + kWakeGroup);
    std::uint64_t end = first + 1;
    while (end < limit && destinations_[end % n_].slot == slot) ++end;
    return end;
  }

  // When the group starting at `first` goes: once all of it is due, or once `first` has
  // waited send_slack_ns_, whichever comes first (but before the deadline, so that waiting
  // never costs a request that plain scheduling would have sent). Never before due(first).
  std::int64_t ready(std::uint64_t first) const {
    const std::int64_t due_first = due(first);
    if (send_slack_ns_ == 0) return due_first;
    const std::int64_t t = std::min(due(group_end(first) - 1), due_first + send_slack_ns_);
    return std::max(due_first, std::min(t, deadline_ns_ - 1));
  }

  std::uint16_t sequence_of(std::uint64_t r) const {
    return static_cast<std::uint16_t>(seed_.sequence_start + static_cast<std::uint16_t>(r & 0xffff));
  }
  PingResult& result_of(std::uint64_t r) { return results_[destinations_[r % n_].target]; }

  void send_due(std::int64_t now) {
    std::size_t handled_this_turn = 0;
    while (next_send_ < total_ && handled_this_turn < kMaxPerTurn) {
      const std::uint64_t first = next_send_;
      if (due(first) > now || (rate_step_ns_ > 0 && tat_ > now)) return;
      const std::uint8_t slot = destinations_[first % n_].slot;
      IcmpSocket* socket = sockets_[slot];
      if (socket == nullptr) {
        // The kernel has no such family (IPv6 disabled): that destination's data, not a crash.
        record_send(first, clock_.mono_now(), EAFNOSUPPORT);
        take_rate_token(now);
        ++next_send_;
        ++handled_this_turn;
        continue;
      }
      // The group waits for company; once awake, whatever is due goes.
      if (blocked_[slot] || (handled_this_turn == 0 && ready(first) > now)) return;
      std::size_t n = 0;
      std::int64_t tat = tat_;
      while (n < kMaxBatch && first + n < total_) {
        const std::uint64_t r = first + n;
        if (n > 0 && (due(r) > now || destinations_[r % n_].slot != slot)) break;
        if (rate_step_ns_ > 0) {
          if (tat > now) break;
          tat = std::max(tat, now - kRateSlack.count()) + rate_step_ns_;
        }
        const Destination& destination = destinations_[r % n_];
        std::span<std::byte> packet(send_buffer_.data() + n * packet_size_, packet_size_);
        render_echo_request(packet, slot == 0 ? Family::v4 : Family::v6, seed_.identifier, sequence_of(r),
                            seed_.nonce, static_cast<std::uint32_t>(r), size_);
        outgoing_[n] = {&destination.address, packet};
        ++n;
      }
      // The requests are rendered in batches of up to kMaxBatch, but each is its own system
      // call with its own send time, read right before it as ping does. One sendmmsg for the
      // batch under one time saves ~14 % CPU but is wrong: on loopback each send also runs the
      // echo reply, so the 64th request left ~400 us after its time and its RTT read 140 us
      // instead of 5 us. Kernel transmit timestamps (SO_TIMESTAMPING) would give batched
      // sends their exact times, but reading them back costs as much as batching saves
      // (bench/RESULTS.md).
      for (std::size_t i = 0; i < n; ++i) {
        const MonoTime t = clock_.mono_now();
        const std::size_t handled = socket->send(std::span(&outgoing_[i], 1), std::span(&errors_[i], 1));
        if (handled == 0) {
          blocked_[slot] = true;  // send buffer full: wait for POLLOUT
          return;
        }
        record_send(first + i, t, errors_[i]);
        take_rate_token(now);
        ++next_send_;
        ++handled_this_turn;
      }
    }
  }

  void take_rate_token(std::int64_t now) {
    if (rate_step_ns_ > 0) tat_ = std::max(tat_, now - kRateSlack.count()) + rate_step_ns_;
  }

  void record_send(std::uint64_t r, MonoTime t, int error) {
    sent_mono_[r] = to_ns(t);
    if (error == 0) {
      state_[r] = State::pending;
      ++pending_;
    } else {
      state_[r] = State::send_failed;
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
        const Timestamp t = clock_.now();
        for (std::size_t i = 0; i < n; ++i) handle(slot, *socket, received_[i], t);
        handled += n;
        if (n < received_.size()) break;
      }
    }
  }

  void handle(std::uint8_t slot, const IcmpSocket& socket, const Datagram& datagram, const Timestamp& t) {
    const bool raw = socket.kind() == SocketKind::raw;
    const IcmpWire wire = slot == 1 ? IcmpWire::ipv6 : raw ? IcmpWire::ipv4_raw : IcmpWire::ipv4_datagram;
    const std::optional<IcmpMessage> message = parse_icmp_message(wire, datagram.bytes);
    if (!message) return;
    if (datagram.from_error_queue) {
      // The entry carries our request as sent (the kernel's identifier, not ours), and its
      // address is where the request went.
      if (message->kind == IcmpKind::echo_request) {
        handle_error(slot, false, message->echo, address_bytes(datagram.peer));
      }
      return;
    }
    if (message->kind == IcmpKind::echo_reply) {
      handle_reply(slot, raw, *message, datagram, t);
    } else if (message->kind == IcmpKind::error) {
      handle_error(slot, raw, message->echo, message->quoted_destination);
    }
  }

  // A reply is ours when its nonce, request index, source address and (raw sockets)
  // identifier match; it is then valid when its checksum, payload and sequence are right too,
  // and corrupt otherwise. Anything else is someone else's packet and is ignored.
  void handle_reply(std::uint8_t slot, bool raw, const IcmpMessage& message, const Datagram& datagram,
                    const Timestamp& t) {
    if (raw && message.echo.identifier != seed_.identifier) return;
    const std::optional<ProbePayload> probe = parse_probe_payload(message.echo.payload, size_);
    if (!probe || probe->nonce != seed_.nonce) return;
    const std::uint64_t r = probe->index;
    if (r >= next_send_) return;
    const Destination& destination = destinations_[r % n_];
    if (destination.slot != slot || !same_host(datagram.peer, destination.address)) return;
    PingResult& result = results_[destination.target];
    if (!message.checksum_ok || !probe->intact || message.echo.sequence != sequence_of(r)) {
      ++result.corrupt;
      return;
    }
    const std::int64_t rtt = rtt_ns(r, datagram.kernel_time, t);
    switch (state_[r]) {
      case State::pending:
        --pending_;
        if (rtt <= timeout_ns_) {
          mark_received(r, rtt);
        } else {
          state_[r] = State::late;
          ++result.late;
        }
        break;
      case State::timed_out:
        // Expired while the reply sat unread in the queue: its kernel timestamp shows it
        // arrived in time (and before the deadline).
        if (rtt <= timeout_ns_ && sent_mono_[r] + rtt <= deadline_ns_) {
          mark_received(r, rtt);
        } else {
          state_[r] = State::late;
          ++result.late;
        }
        break;
      case State::error:
        state_[r] = State::late;
        ++result.late;
        break;
      case State::received:
      case State::late:
        ++result.duplicates;
        break;
      case State::unsent:
      case State::send_failed:
        break;
    }
  }

  // An ICMP error quoting one of our requests ends that request: it is lost, not waited for.
  void handle_error(std::uint8_t slot, bool raw, const IcmpEcho& quoted,
                    const std::array<std::uint8_t, 16>& destination_bytes) {
    if (raw && quoted.identifier != seed_.identifier) return;
    if (const std::optional<ProbePayload> probe = parse_probe_payload(quoted.payload, size_)) {
      if (probe->nonce != seed_.nonce) return;
      const std::uint64_t r = probe->index;
      if (r >= next_send_) return;
      const Destination& destination = destinations_[r % n_];
      if (destination.slot != slot || !matches_quoted(destination.address, destination_bytes) ||
          quoted.sequence != sequence_of(r)) {
        return;
      }
      mark_error(r);
      return;
    }
    // Only the 8-byte echo header was quoted. Every pending request lies in
    // [next_expire_, next_send_), and those with this sequence are 65,536 apart, so the few
    // candidates are checked against the quoted destination.
    const std::uint16_t residue = static_cast<std::uint16_t>(quoted.sequence - seed_.sequence_start);
    std::uint64_t r = next_expire_ + static_cast<std::uint16_t>(residue - static_cast<std::uint16_t>(next_expire_ & 0xffff));
    for (; r < next_send_; r += 65536) {
      const Destination& destination = destinations_[r % n_];
      if (state_[r] == State::pending && destination.slot == slot &&
          matches_quoted(destination.address, destination_bytes)) {
        mark_error(r);
        return;
      }
    }
  }

  void mark_received(std::uint64_t r, std::int64_t rtt) {
    state_[r] = State::received;
    PingResult& result = result_of(r);
    ++result.received;
    result.rtt_seconds[r / n_] = static_cast<double>(rtt) / 1e9;
  }

  void mark_error(std::uint64_t r) {
    if (state_[r] == State::pending) {
      --pending_;
    } else if (state_[r] != State::timed_out) {
      return;  // already answered or already failed: one request, one outcome
    }
    state_[r] = State::error;
    ++result_of(r).errors;
  }

  // The RTT of request r whose reply was read at `read`: the monotonic time from its send to
  // the read, less the time the reply sat in the socket, which is the kernel's receive
  // timestamp (realtime) against the realtime reading taken with `read`. Only that queueing
  // interval is measured by the wall clock, so a clock step between the send and the reply
  // does not matter; one within the queueing (a negative or implausibly long wait) falls back
  // to the monotonic time to the read.
  std::int64_t rtt_ns(std::uint64_t r, const std::optional<WallTime>& kernel_time, const Timestamp& read) const {
    const std::int64_t mono_rtt = to_ns(read.mono) - sent_mono_[r];
    if (kernel_time) {
      const std::int64_t queued = to_ns(read.wall) - to_ns(*kernel_time);
      const std::int64_t rtt = mono_rtt - queued;
      if (queued >= -kClockSlack.count() && queued <= kMaxQueueDelay.count() && rtt >= 0) return rtt;
    }
    return std::max<std::int64_t>(mono_rtt, 0);
  }

  void expire(std::int64_t now) {
    while (next_expire_ < next_send_) {
      const std::uint64_t r = next_expire_;
      if (state_[r] == State::pending) {
        if (sent_mono_[r] + timeout_ns_ > now) return;
        state_[r] = State::timed_out;
        --pending_;
      }
      ++next_expire_;
    }
  }

  void expire_all() {
    for (std::uint64_t r = next_expire_; r < next_send_; ++r) {
      if (state_[r] == State::pending) state_[r] = State::timed_out;
    }
    pending_ = 0;
    next_expire_ = next_send_;
  }

  void wait() {
    std::int64_t wake = deadline_ns_;
    if (next_send_ < total_) {
      const std::uint8_t slot = destinations_[next_send_ % n_].slot;
      if (!blocked_[slot] || sockets_[slot] == nullptr) {
        std::int64_t at = ready(next_send_);
        if (rate_step_ns_ > 0) at = std::max(at, tat_);
        wake = std::min(wake, at);
      }
    }
    // expire() left next_expire_ on the oldest pending request.
    if (next_expire_ < next_send_) wake = std::min(wake, sent_mono_[next_expire_] + timeout_ns_);
    std::array<pollfd, 2> fds{};
    std::array<std::uint8_t, 2> slot_of{};
    std::size_t nfds = 0;
    for (std::uint8_t slot = 0; slot < 2; ++slot) {
      if (sockets_[slot] == nullptr) continue;
      fds[nfds].fd = sockets_[slot]->fd();
      fds[nfds].events = static_cast<short>(POLLIN | (blocked_[slot] ? POLLOUT : 0));
      slot_of[nfds++] = slot;
    }
    clock_.wait(std::span(fds.data(), nfds), MonoTime(nanoseconds(wake)));
    for (std::size_t i = 0; i < nfds; ++i) {
      if (fds[i].revents & (POLLOUT | POLLERR)) blocked_[slot_of[i]] = false;
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) readable_[slot_of[i]] = true;
    }
  }

  std::vector<PingResult> finish() {
    for (std::uint64_t d = 0; d < n_; ++d) {
      PingResult& result = results_[destinations_[d].target];
      std::uint64_t sent = 0;
      for (std::uint64_t r = d; r < total_; r += n_) {
        if (state_[r] != State::unsent) ++sent;
      }
      result.sent = sent;
      result.rtt_seconds.resize(sent);
    }
    return std::move(results_);
  }

  Clock& clock_;
  PingSeed seed_;
  std::array<IcmpSocket*, 2> sockets_{};
  std::array<bool, 2> blocked_{};
  std::array<bool, 2> readable_{};  // the last wait() reported the socket readable
  std::int64_t deadline_ns_;
  std::int64_t start_ns_ = 0;
  std::int64_t interval_ns_ = 0;
  std::int64_t timeout_ns_ = 0;
  std::int64_t stagger_ns_ = 0;
  std::int64_t rate_step_ns_ = 0;  // 0: no --rate
  std::int64_t send_slack_ns_ = 0; // how late a request may go to fill its wake-up group
  std::int64_t tat_ = 0;           // when the rate cap lets the next request go
  std::function<void(std::uint64_t, std::uint64_t)> on_progress_;
  std::int64_t next_progress_ns_ = 0;
  std::size_t size_ = 0;
  std::size_t packet_size_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t n_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t next_send_ = 0;
  std::uint64_t next_expire_ = 0;
  std::uint64_t pending_ = 0;
  std::vector<Destination> destinations_;
  std::vector<PingResult> results_;
  std::vector<State> state_;
  std::vector<std::int64_t> sent_mono_;
  std::vector<std::byte> send_buffer_;
  std::array<OutgoingPacket, kMaxBatch> outgoing_{};
  std::array<int, kMaxBatch> errors_{};
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

Pinger::Pinger(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingOptions& options, const PingSeed& seed)
    : clock_(clock), v4_(v4), v6_(v6), options_(options), seed_(seed) {}

std::vector<PingResult> Pinger::run(std::span<const std::optional<SocketAddress>> addresses, MonoTime deadline) {
  Run run(clock_, v4_, v6_, options_, seed_, addresses, deadline);
  return run.execute();
}

std::vector<PingResult> run_pings(const std::vector<PingTarget>& targets, const PingOptions& options,
                                  Resolver& resolver, Clock& clock, const SocketOpener& open_socket,
                                  const PingSeed& seed) {
  const MonoTime deadline = clock.now().mono + options.deadline;
  std::vector<ResolveRequest> requests;
  requests.reserve(targets.size());
  for (const PingTarget& target : targets) {
    requests.push_back({target.host, target.family != Family::any ? target.family : options.family});
  }
  const std::vector<std::optional<SocketAddress>> addresses = resolver.resolve(requests, deadline);

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
  std::array<std::size_t, 2> per_family{};
  for (const std::optional<SocketAddress>& address : addresses) {
    if (address && family_of(*address) == Family::v4) ++per_family[0];
    if (address && family_of(*address) == Family::v6) ++per_family[1];
  }
  // Only the families that are pinged get a socket: a v4-only run must not fail for want of
  // IPv6, and each open socket receives (and the raw ones filter) the host's ICMP traffic.
  std::array<std::unique_ptr<IcmpSocket>, 2> sockets;
  for (std::size_t slot = 0; slot < 2; ++slot) {
    if (per_family[slot] == 0) continue;
    socket_options.destinations = per_family[slot];
    try {
      sockets[slot] = open_socket(slot == 0 ? Family::v4 : Family::v6, socket_options);
    } catch (const std::system_error& e) {
      if (e.code() != std::errc::address_family_not_supported) throw;
    }
  }
  if (options.on_sockets_open) options.on_sockets_open();
  Pinger pinger(clock, sockets[0].get(), sockets[1].get(), options, seed);
  return pinger.run(addresses, deadline);
}

std::vector<PingResult> run_pings(const std::vector<PingTarget>& targets, const PingOptions& options) {
  SystemClock clock;
  GetaddrinfoResolver resolver;
  return run_pings(targets, options, resolver, clock, open_icmp_socket, make_random_seed());
}

}  // namespace netprom
