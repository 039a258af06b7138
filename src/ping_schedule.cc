// SPDX-License-Identifier: MIT
#include "ping_schedule.h"

#include <algorithm>
#include <iterator>

namespace netprom {

namespace {
// --rate: after an idle gap, the catch-up burst is at most this much of the rate.
constexpr std::chrono::nanoseconds kRateSlack = std::chrono::milliseconds(5);
}  // namespace

void PingSchedule::add(std::uint32_t destination, MonoTime first, std::uint32_t count,
                       std::chrono::nanoseconds interval) {
  if (count == 0) return;
  entries_.insert(Entry{first, added_++, destination, count, interval});
  left_ += count;
}

std::optional<PingSchedule::Request> PingSchedule::next() const {
  if (entries_.empty()) return std::nullopt;
  return Request{entries_.begin()->destination, entries_.begin()->due};
}

// The head's group is the head and the requests due after it, at most kWakeGroup in all: it
// is ready when its last member is due, or when the head has waited send_slack.
MonoTime PingSchedule::group_ready() const {
  const MonoTime head = entries_.begin()->due;
  if (options_.send_slack <= std::chrono::nanoseconds::zero()) return head;
  MonoTime ready = head + options_.send_slack;
  // Only the next request of each destination is in entries_; a destination's later requests
  // are at least an interval later and would only make the group wait the full slack.
  std::size_t members = 1;
  for (auto it = entries_.begin(); it != entries_.end() && members <= kWakeGroup; ++it, ++members) {
    if (it->due >= ready) break;
    if (members == kWakeGroup || std::next(it) == entries_.end()) ready = it->due;
  }
  // Waiting for company never costs a request that plain scheduling would have sent.
  return std::max(head, std::min(ready, options_.deadline - std::chrono::nanoseconds(1)));
}

bool PingSchedule::may_send(MonoTime now, bool new_wake_up) const {
  if (entries_.empty()) return false;
  if (entries_.begin()->due > now) return false;
  if (options_.rate_step > std::chrono::nanoseconds::zero() && rate_ready() > now) return false;
  return !new_wake_up || options_.rate_step > std::chrono::nanoseconds::zero() || group_ready() <= now;
}

std::optional<MonoTime> PingSchedule::wake_time() const {
  if (entries_.empty()) return std::nullopt;
  // --rate spaces requests out anyway; grouping them would only make bursts.
  if (options_.rate_step > std::chrono::nanoseconds::zero()) return std::max(entries_.begin()->due, rate_ready());
  return group_ready();
}

void PingSchedule::take(MonoTime now) {
  if (entries_.empty()) return;
  auto node = entries_.extract(entries_.begin());
  --left_;
  if (options_.rate_step > std::chrono::nanoseconds::zero()) tat_ = std::max(tat_.value_or(now), now - kRateSlack) + options_.rate_step;
  Entry& entry = node.value();
  if (--entry.remaining == 0) return;
  entry.due += entry.interval;
  // With one interval for everyone the moved entry is the latest one: the end() hint makes
  // the insertion constant time.
  entries_.insert(entries_.end(), std::move(node));
}

}  // namespace netprom
