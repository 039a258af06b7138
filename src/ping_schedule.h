// SPDX-License-Identifier: MIT
// When each echo request is due: one plan per destination, in due order. Pure (no clock read).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>

#include "clock.h"

namespace netprom {

/// How the schedule lets requests go.
struct ScheduleOptions {
  /// How late a request may go to share its wake-up with the requests due after it (0: each
  /// request wakes the loop when it is due).
  std::chrono::nanoseconds send_slack{0};
  /// --rate: at least this long between requests on average (0: no cap).
  std::chrono::nanoseconds rate_step{0};
  /// No request is held for company past this instant.
  MonoTime deadline{};
};

/// The plan of a run: each destination gets `count` requests, the first at its own start,
/// then one every `interval`, so destinations may start at different times (a name resolves
/// late) and may differ in count and interval. Requests come out in due order across all
/// destinations (ties in the order the destinations were added).
///
/// Wake-up groups: the loop wakes once for a group of requests rather than once per request.
/// The group of the next request is it and the kWakeGroup - 1 requests due after it; it is
/// ready once all of it is due or once its head has waited `send_slack`, whichever is first,
/// but before the deadline. A request is never sent before it is due.
class PingSchedule {
 public:
  /// The most requests in one wake-up group.
  static constexpr std::size_t kWakeGroup = 256;

  /// The next request.
  struct Request {
    std::uint32_t destination = 0;  ///< as given to add()
    MonoTime due{};
  };

  explicit PingSchedule(const ScheduleOptions& options) : options_(options) {}

  /// Plans `count` requests to `destination`, the first due at `first`, then one every
  /// `interval`. A destination is added once. count 0 plans nothing.
  void add(std::uint32_t destination, MonoTime first, std::uint32_t count, std::chrono::nanoseconds interval);

  /// The request due first, or nullopt when every planned request has been taken.
  std::optional<Request> next() const;
  /// Whether next() may go at `now`: it is due and the rate cap allows it; with
  /// `new_wake_up` (nothing sent yet since the loop woke), its wake-up group is ready too.
  bool may_send(MonoTime now, bool new_wake_up) const;
  /// When the loop should wake up to send next(); nullopt when nothing is planned.
  std::optional<MonoTime> wake_time() const;
  /// Takes next() (sent or failed) at `now`: moves its destination on and uses up a rate token.
  void take(MonoTime now);
  /// Requests planned and not taken yet.
  std::uint64_t left() const { return left_; }

 private:
  struct Entry {
    MonoTime due;
    std::uint64_t order;  // tie-break: the order of add()
    std::uint32_t destination;
    std::uint32_t remaining;  // requests still to take, this one included
    std::chrono::nanoseconds interval;
    bool operator<(const Entry& other) const {
      return due != other.due ? due < other.due : order < other.order;
    }
  };
  MonoTime group_ready() const;
  MonoTime rate_ready() const { return tat_.value_or(MonoTime::min()); }

  ScheduleOptions options_;
  std::set<Entry> entries_;  // one per destination with requests left: its next request
  std::uint64_t added_ = 0;
  std::uint64_t left_ = 0;
  // --rate: the theoretical time at which the cap lets the next request go (none taken yet: now)
  std::optional<MonoTime> tat_;
};

}  // namespace netprom
