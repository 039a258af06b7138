// SPDX-License-Identifier: MIT
// What happened to every echo request of a run: one state per request, changed in one place.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "clock.h"
#include "pinger.h"  // PingResult
#include "socket_address.h"

namespace netprom {

/// Where a request stands. Every request starts pending or send_failed; the rest are outcomes.
enum class RequestState : std::uint8_t {
  pending,      ///< sent, waiting for its reply
  received,     ///< a valid reply came within the timeout (and before the deadline)
  timed_out,    ///< no reply within the timeout (or by the deadline), so far
  late,         ///< a valid reply came, after the timeout
  error,        ///< an ICMP error (or a local error on the error queue) was reported for it
  send_failed,  ///< sendto failed for this destination (EHOSTUNREACH, no socket, ...)
};

/// Something that happens to a request.
enum class RequestEvent : std::uint8_t {
  reply,    ///< a valid reply, with its round-trip time
  error,    ///< an ICMP error quoting it
  timeout,  ///< its timeout (or the deadline) passed
};

/// What came with an event: a reply's TTL / hop limit; an error's type and sender.
struct EventDetail {
  std::optional<int> ttl;
  IcmpErrorType error_type = IcmpErrorType::other;
  SocketAddress error_from{};  ///< AF_UNSPEC: nobody (a local error)
};

/// The round-trip time of a request sent at `sent` whose reply the kernel stamped
/// `kernel_stamp` (realtime; nullopt when it gave none) and the loop read at `read`. Pure.
std::chrono::nanoseconds round_trip_time(const Timestamp& sent, const std::optional<WallTime>& kernel_stamp,
                                         const Timestamp& read);

/// One destination being pinged.
struct PingDestination {
  SocketAddress address{};
  std::uint32_t target = 0;  ///< index into the run's targets and results
  std::uint16_t slot = 0;    ///< the socket it is pinged through (one per family and socket settings)
  std::chrono::nanoseconds timeout{};
  std::uint32_t count = 0;   ///< requests planned
  std::size_t size = 0;      ///< echo payload bytes
};

/// The requests of one run and their outcomes, and the per-destination results they add up
/// to. Requests are numbered in send order from 0; the number travels in the payload.
/// Every state change goes through transition(), so each request has one outcome.
class PingLedger {
 public:
  /// `targets` results (all unresolved until add_destination), requests ending by `deadline`.
  PingLedger(std::size_t targets, MonoTime deadline);

  /// Registers a resolved destination for `destination.target` and returns its index.
  std::uint32_t add_destination(const PingDestination& destination);
  const PingDestination& destination(std::uint32_t d) const { return destinations_[d]; }
  std::size_t destinations() const { return destinations_.size(); }

  /// Records a request to destination `d` sent at `at` (error 0), or refused by the kernel
  /// (an errno: counted in send_errors, not in sent); returns its number. Throws std::length_error past 2^32 - 1 requests.
  std::uint32_t record_send(std::uint32_t d, const Timestamp& at, int error);
  /// Makes room for `requests` requests in all (the plan so far), so that recording a send
  /// never copies the requests made before it.
  void reserve(std::size_t requests) { requests_.reserve(requests); }
  /// Applies `event` to request `r` (rtt: for a reply). Out-of-order events are data: a reply
  /// to an answered request is a duplicate, a reply after an error or timeout is late unless
  /// its kernel stamp shows it in time. `detail` goes into the result when the event counts:
  /// the TTL of a reply counted as received, the type and sender of an error counted.
  void transition(std::uint32_t r, RequestEvent event, std::chrono::nanoseconds rtt = {},
                  const EventDetail& detail = {});
  /// Counts a reply to request `r` that failed its checksum, payload or sequence check.
  void count_corrupt(std::uint32_t r);

  /// Times out every pending request whose timeout has passed at `now`.
  void expire(MonoTime now);
  /// Times out every pending request (the deadline came).
  void expire_all();
  /// When the oldest pending request times out; nullopt when none is pending.
  std::optional<MonoTime> next_expiry() const;

  std::uint32_t sent() const { return static_cast<std::uint32_t>(requests_.size()); }
  std::uint32_t destination_of(std::uint32_t r) const { return requests_[r].destination; }
  RequestState state(std::uint32_t r) const { return requests_[r].state; }
  const Timestamp& sent_at(std::uint32_t r) const { return requests_[r].sent; }
  /// No request below this number is pending.
  std::uint32_t first_pending() const { return first_pending_; }
  std::uint64_t pending() const { return pending_; }

  /// The results, one per target, with PingResult::unsent set from each destination's planned
  /// count; the ledger is spent afterwards.
  std::vector<PingResult> take_results();

 private:
  struct Request {
    Timestamp sent;
    std::uint32_t destination;
    std::uint32_t attempt;  // the destination's k-th request that left the host: its RTT's index
    RequestState state;
  };
  // The requests sent with one timeout, in send order, which is their expiry order too.
  struct ExpiryQueue {
    std::chrono::nanoseconds timeout;
    std::vector<std::uint32_t> requests;
    std::size_t head = 0;  // the ones before it were pending no more when expire() came by
  };
  void leave_pending(std::uint32_t r);
  PingResult& result_of(std::uint32_t r) { return results_[destinations_[requests_[r].destination].target]; }
  ExpiryQueue& queue_for(std::chrono::nanoseconds timeout);

  MonoTime deadline_;
  std::vector<PingDestination> destinations_;
  std::vector<std::uint32_t> sent_;  // per destination: requests that left the host so far
  std::vector<PingResult> results_;
  std::vector<Request> requests_;
  // One queue per distinct timeout (a handful), by timeout: no ordering work per request.
  std::vector<ExpiryQueue> expiries_;
  std::uint32_t first_pending_ = 0;
  std::uint64_t pending_ = 0;
};

}  // namespace netprom
