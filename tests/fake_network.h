// SPDX-License-Identifier: MIT
// Test doubles for the pinger's seams: a clock on simulated time, ICMP sockets that script
// replies, a resolver with canned answers, and builders for reply and error packets.
#pragma once

#include <arpa/inet.h>

#include <algorithm>

#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "clock.h"
#include "icmp_packet.h"
#include "icmp_socket.h"
#include "resolve.h"

namespace netprom::fake {

using namespace std::chrono_literals;

/// A destination named and addressed `host`, its settings asking for `family`.
inline TargetSpec target(const std::string& host, Family family = Family::any) {
  TargetSpec t;
  t.name = t.host = host;
  t.address = parse_address_literal(host);  // as set_probe_settings sets it
  t.probe.family = family;
  return t;
}

inline SocketAddress address(const std::string& text) {
  std::optional<SocketAddress> a = parse_address_literal(text);
  if (!a) throw std::invalid_argument("not an address literal: " + text);
  return *a;
}

class FakeIcmpSocket;

/// Simulated time: only wait() moves it, to the next scripted arrival or to the wake time.
/// The wall clock runs with the monotonic one, shifted, plus any scheduled steps.
class FakeClock final : public Clock {
 public:
  MonoTime mono{std::chrono::seconds(1000)};
  std::chrono::nanoseconds wall_offset = std::chrono::seconds(1'700'000'000);
  struct Step {
    MonoTime at;
    std::chrono::nanoseconds delta;
  };
  std::vector<Step> steps;  ///< wall-clock steps (settimeofday) at monotonic times
  struct Stall {
    MonoTime at;
    std::chrono::nanoseconds length;
  };
  /// The process stops (SIGSTOP, swapped out) at `at` for `length`: a wait() that would end at
  /// or after `at` ends `length` later, with everything that arrived meanwhile readable.
  std::vector<Stall> stalls;
  std::vector<FakeIcmpSocket*> sockets;
  std::size_t waits = 0;
  std::size_t sleeps = 0;  ///< waits that could block (until later than now), i.e. wake-ups

  WallTime wall_at(MonoTime t) const {
    std::chrono::nanoseconds offset = wall_offset;
    for (const Step& s : steps) {
      if (t >= s.at) offset += s.delta;
    }
    return WallTime(std::chrono::duration_cast<WallTime::duration>(t.time_since_epoch() + offset));
  }
  Timestamp now() override { return {mono, wall_at(mono)}; }
  MonoTime mono_now() override { return mono; }
  bool wait(std::span<pollfd> fds, MonoTime until) override;
};

/// Records what the pinger sends; `on_send` plays the network (reply, drop, fail).
class FakeIcmpSocket final : public IcmpSocket {
 public:
  struct Sent {
    MonoTime at;
    SocketAddress to;
    std::vector<std::byte> bytes;
  };

  FakeIcmpSocket(FakeClock& clock, Family family, SocketKind kind, int fd)
      : clock_(clock), family_(family), kind_(kind), fd_(fd) {
    clock.sockets.push_back(this);
  }
  ~FakeIcmpSocket() override { std::erase(clock_.sockets, this); }
  FakeIcmpSocket(const FakeIcmpSocket&) = delete;
  FakeIcmpSocket& operator=(const FakeIcmpSocket&) = delete;

  std::vector<Sent> sent;
  std::size_t send_calls = 0;      ///< send() calls
  std::size_t receive_calls = 0;   ///< receive() calls
  /// receive() calls that found nothing (an EAGAIN each) although the call before had not
  /// filled its buffer, i.e. had already shown the queue empty.
  std::size_t needless_receives = 0;
  /// Called for every packet sent; returns 0 or an errno for a per-destination failure.
  std::function<int(const Sent&)> on_send;
  /// Time the kernel spends on each packet sent (the clock moves on by it): on loopback a
  /// send also runs the peer's echo reply. 0: sending takes no time.
  std::chrono::nanoseconds send_cost{0};

  /// Queues a datagram that becomes readable at `at`. The kernel timestamp defaults to the
  /// wall clock at `at`; pass one explicitly to model a reply that sat in the queue.
  /// `ttl` and `error` are the control data (IP_TTL / IPV6_HOPLIMIT, IP_RECVERR) it comes with.
  void deliver(MonoTime at, const SocketAddress& from, std::vector<std::byte> bytes,
               std::optional<WallTime> kernel_time = std::nullopt, bool error_queue = false,
               std::optional<int> ttl = std::nullopt, std::optional<QueuedError> error = std::nullopt) {
    Item item{from, std::move(bytes), kernel_time ? kernel_time : std::optional(clock_.wall_at(at)), error_queue,
              ttl, error};
    queue_.emplace(at, std::move(item));
  }

  std::optional<MonoTime> next_arrival() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first;
  }

  SocketKind kind() const override { return kind_; }
  Family family() const override { return family_; }
  int fd() const override { return fd_; }

  int send(const SocketAddress& destination, std::span<const std::byte> packet) override {
    ++send_calls;
    Sent s{clock_.mono, destination, std::vector<std::byte>(packet.begin(), packet.end())};
    const int error = on_send ? on_send(s) : 0;
    sent.push_back(std::move(s));
    clock_.mono += send_cost;
    return error;
  }

  std::size_t receive(std::span<Datagram> out) override {
    delivered_.clear();
    std::size_t n = 0;
    while (n < out.size() && !queue_.empty() && queue_.begin()->first <= clock_.mono) {
      delivered_.push_back(std::move(queue_.begin()->second));
      queue_.erase(queue_.begin());
      ++n;
    }
    for (std::size_t i = 0; i < n; ++i) {
      out[i].bytes = delivered_[i].bytes;
      out[i].peer = delivered_[i].from;
      out[i].kernel_time = delivered_[i].kernel_time;
      out[i].from_error_queue = delivered_[i].error_queue;
      out[i].ttl = delivered_[i].ttl;
      out[i].error = delivered_[i].error;
    }
    ++receive_calls;
    if (n == 0 && !last_receive_full_) ++needless_receives;
    last_receive_full_ = n == out.size();
    return n;
  }

 private:
  struct Item {
    SocketAddress from;
    std::vector<std::byte> bytes;
    std::optional<WallTime> kernel_time;
    bool error_queue;
    std::optional<int> ttl;
    std::optional<QueuedError> error;
  };
  FakeClock& clock_;
  Family family_;
  SocketKind kind_;
  int fd_;
  std::multimap<MonoTime, Item> queue_;  // equal times keep insertion order
  std::vector<Item> delivered_;
  bool last_receive_full_ = false;
};

inline bool FakeClock::wait(std::span<pollfd> fds, MonoTime until) {
  if (++waits > 10'000'000) throw std::runtime_error("fake clock: the loop does not make progress");
  if (until > mono) ++sleeps;
  std::optional<MonoTime> first;
  for (pollfd& p : fds) {
    p.revents = 0;
    for (FakeIcmpSocket* s : sockets) {
      if (s->fd() != p.fd) continue;
      if (p.events & POLLOUT) p.revents |= POLLOUT;
      if (std::optional<MonoTime> t = s->next_arrival(); t && (!first || *t < *first)) first = t;
    }
  }
  const MonoTime end = std::max(mono, first && *first <= until ? *first : until);
  for (auto it = stalls.begin(); it != stalls.end(); ++it) {
    if (it->at > end) continue;
    mono = std::max(end, it->at + it->length);
    stalls.erase(it);
    bool ready = false;
    for (pollfd& p : fds) {
      for (FakeIcmpSocket* s : sockets) {
        if (s->fd() == p.fd && s->next_arrival() && *s->next_arrival() <= mono) p.revents |= POLLIN;
      }
      ready = ready || p.revents != 0;
    }
    return ready;
  }
  if (first && *first <= until) {
    if (*first > mono) mono = *first;
    for (pollfd& p : fds) {
      for (FakeIcmpSocket* s : sockets) {
        if (s->fd() == p.fd && s->next_arrival() && *s->next_arrival() <= mono) p.revents |= POLLIN;
      }
    }
    return true;
  }
  if (until > mono) mono = until;
  for (const pollfd& p : fds) {
    if (p.revents != 0) return true;
  }
  return false;
}

/// Canned answers per host on simulated time; records what was asked. A host answers `delay`
/// (or its own entry in `delays`) after start(); a host in `silent` never answers.
class FakeResolver final : public Resolver {
 public:
  std::map<std::string, SocketAddress> answers;
  std::map<std::string, std::chrono::nanoseconds> delays;
  std::set<std::string> silent;
  struct Asked {
    std::string host;
    Family family = Family::any;  ///< the family the target's settings want
  };
  std::vector<Asked> asked;
  std::chrono::nanoseconds delay{0};

  void start(std::span<const TargetSpec> targets, MonoTime now) override {
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const Asked r{targets[i].host, targets[i].probe.family};
      asked.push_back(r);
      if (silent.count(r.host) != 0) {  // still running at any deadline
        pending_.emplace(MonoTime::max(), Resolution{i, std::nullopt});
        continue;
      }
      std::optional<SocketAddress> address = targets[i].address;  // a literal's, as the real one takes it
      std::chrono::nanoseconds wait{0};
      if (!address) {
        auto it = answers.find(r.host);
        if (it != answers.end()) address = it->second;
        auto d = delays.find(r.host);
        wait = d != delays.end() ? d->second : delay;
      }
      if (address && r.family != Family::any && family_of(*address) != r.family) address.reset();
      pending_.emplace(now + wait, Resolution{i, address});
    }
  }
  std::vector<Resolution> take_answers(MonoTime now) override {
    std::vector<Resolution> out;
    while (!pending_.empty() && pending_.begin()->first <= now) {
      out.push_back(pending_.begin()->second);
      pending_.erase(pending_.begin());
    }
    return out;
  }
  std::optional<MonoTime> next_check() const override {
    if (pending_.empty()) return std::nullopt;
    return pending_.begin()->first;
  }

 private:
  std::multimap<MonoTime, Resolution> pending_;  // equal times keep request order
};

/// Runs `resolver` to completion or `deadline` on `clock`, sleeping between checks; one entry
/// per target (nullopt: no address, or no answer by the deadline).
inline std::vector<std::optional<SocketAddress>> resolve_all(Resolver& resolver, Clock& clock,
                                                             std::span<const TargetSpec> targets,
                                                             MonoTime deadline) {
  std::vector<std::optional<SocketAddress>> out(targets.size());
  resolver.start(targets, clock.now().mono);
  for (;;) {
    for (const Resolution& r : resolver.take_answers(clock.now().mono)) out[r.request] = r.address;
    const std::optional<MonoTime> next = resolver.next_check();
    if (!next) break;
    if (clock.now().mono >= deadline) break;
    clock.wait({}, std::min(*next, deadline));
  }
  return out;
}

inline void put16(std::vector<std::byte>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v & 0xff);
}

inline std::uint16_t get16(const std::vector<std::byte>& b, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(b[at]) << 8) | std::to_integer<unsigned>(b[at + 1]));
}

/// Recomputes the ICMPv4 checksum at offset 2 of an ICMP message (IPv6 leaves it to the kernel).
inline void fix_checksum(std::vector<std::byte>& icmp) {
  put16(icmp, 2, 0);
  put16(icmp, 2, internet_checksum(icmp));
}

/// The echo reply a peer sends back to `request` (same id, sequence and payload).
inline std::vector<std::byte> echo_reply(const std::vector<std::byte>& request, Family family) {
  std::vector<std::byte> reply = request;
  reply[0] = static_cast<std::byte>(family == Family::v6 ? 129 : 0);
  if (family == Family::v4) fix_checksum(reply);
  return reply;
}

/// Prepends a 20-byte IPv4 header (no options), as a raw IPv4 socket delivers packets.
inline std::vector<std::byte> with_ipv4_header(const std::vector<std::byte>& icmp, const std::string& src,
                                               const std::string& dst, std::size_t option_bytes = 0) {
  const std::size_t ihl = 20 + option_bytes;
  std::vector<std::byte> packet(ihl);
  packet[0] = static_cast<std::byte>(0x40 | (ihl / 4));
  put16(packet, 2, static_cast<std::uint16_t>(ihl + icmp.size()));
  packet[8] = std::byte{64};
  packet[9] = std::byte{1};
  ::inet_pton(AF_INET, src.c_str(), packet.data() + 12);
  ::inet_pton(AF_INET, dst.c_str(), packet.data() + 16);
  for (std::size_t i = 20; i < ihl; ++i) packet[i] = std::byte{1};  // NOP options
  put16(packet, 10, internet_checksum(std::span<const std::byte>(packet.data(), ihl)));
  packet.resize(ihl + icmp.size());
  std::copy(icmp.begin(), icmp.end(), packet.begin() + static_cast<std::ptrdiff_t>(ihl));
  return packet;
}

/// An ICMPv4 error (type/code) quoting the first `quote` bytes of `request`, sent from
/// `orig_src` to `orig_dst`. Returned as an ICMP message (no outer IP header).
inline std::vector<std::byte> icmp4_error(std::uint8_t type, std::uint8_t code, const std::vector<std::byte>& request,
                                          const std::string& orig_src, const std::string& orig_dst,
                                          std::size_t quote) {
  std::vector<std::byte> quoted(request.begin(), request.begin() + static_cast<std::ptrdiff_t>(std::min(quote, request.size())));
  std::vector<std::byte> inner = with_ipv4_header(quoted, orig_src, orig_dst);
  put16(inner, 2, static_cast<std::uint16_t>(20 + request.size()));  // the original length
  std::vector<std::byte> error(8 + inner.size());
  error[0] = static_cast<std::byte>(type);
  error[1] = static_cast<std::byte>(code);
  std::copy(inner.begin(), inner.end(), error.begin() + 8);
  fix_checksum(error);
  return error;
}

/// An ICMPv6 error quoting the first `quote` bytes of `request` behind a 40-byte IPv6 header.
inline std::vector<std::byte> icmp6_error(std::uint8_t type, std::uint8_t code, const std::vector<std::byte>& request,
                                          const std::string& orig_src, const std::string& orig_dst,
                                          std::size_t quote) {
  std::vector<std::byte> error(8 + 40);
  error[0] = static_cast<std::byte>(type);
  error[1] = static_cast<std::byte>(code);
  error[8] = std::byte{0x60};
  put16(error, 8 + 4, static_cast<std::uint16_t>(request.size()));
  error[8 + 6] = std::byte{58};
  error[8 + 7] = std::byte{64};
  ::inet_pton(AF_INET6, orig_src.c_str(), error.data() + 8 + 8);
  ::inet_pton(AF_INET6, orig_dst.c_str(), error.data() + 8 + 24);
  const std::size_t n = std::min(quote, request.size());
  error.resize(8 + 40 + n);
  std::copy(request.begin(), request.begin() + static_cast<std::ptrdiff_t>(n), error.begin() + 8 + 40);
  return error;
}

}  // namespace netprom::fake
