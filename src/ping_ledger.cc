// SPDX-License-Identifier: MIT
#include "ping_ledger.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace netprom {

namespace {
using std::chrono::nanoseconds;
// What the wall clock may drift from the monotonic one without a step: NTP slews at most
// 500 ppm, plus a little for the two clocks being read one after the other.
constexpr nanoseconds kClockSlack = std::chrono::milliseconds(2);
constexpr std::int64_t kMaxSlewPerUnit = 2000;  // 1 / 500 ppm
}  // namespace

// The kernel stamps a reply (SO_TIMESTAMPNS, realtime) when it arrives; the loop may read it
// much later (netprom stalled, swapped, stopped). The RTT is the stamp minus the send time, so
// a stall of any length changes nothing. Both ends must be on one clock: the stamp is turned
// into the monotonic clock by the realtime - monotonic offset. That offset is read at the send
// and at the read; when they agree, no step came between them and the RTT is
//   (read.mono - sent.mono) - (read.wall - stamp).
// When they differ by more than slewing can explain, the wall clock was stepped, and the stamp
// was taken either after the step (it is in the read's frame) or before it (in the send's
// frame). Only one of the two places the arrival between the send and the read, as a real
// arrival must be, unless the step was small against the RTT: then nothing tells them apart
// and the monotonic time from the send to the read, an upper bound, is the RTT.
nanoseconds round_trip_time(const Timestamp& sent, const std::optional<WallTime>& kernel_stamp,
                            const Timestamp& read) {
  const nanoseconds mono_rtt = std::max(read.mono - sent.mono, nanoseconds::zero());
  if (!kernel_stamp) return mono_rtt;
  const nanoseconds step = (read.wall.time_since_epoch() - read.mono.time_since_epoch()) -
                           (sent.wall.time_since_epoch() - sent.mono.time_since_epoch());
  const nanoseconds tolerance = kClockSlack + mono_rtt / kMaxSlewPerUnit;
  const nanoseconds queued = read.wall - *kernel_stamp;  // in the read's frame
  const auto rtt_for = [&](nanoseconds q) { return std::clamp(mono_rtt - q, nanoseconds::zero(), mono_rtt); };
  if (std::chrono::abs(step) <= tolerance) return rtt_for(queued);
  const auto plausible = [&](nanoseconds q) { return q >= -tolerance && q <= mono_rtt + tolerance; };
  const bool after_step = plausible(queued);
  const bool before_step = plausible(queued - step);
  if (after_step != before_step) return rtt_for(after_step ? queued : queued - step);
  return mono_rtt;
}

PingLedger::PingLedger(std::size_t targets, MonoTime deadline) : deadline_(deadline), results_(targets) {
  destinations_.reserve(targets);  // at most one per target
  sent_.reserve(targets);
}

std::uint32_t PingLedger::add_destination(const PingDestination& destination) {
  PingResult& result = results_.at(destination.target);
  result.address = destination.address;
  // Sized here and cut to what was sent at the end, so that a send touches nothing of the
  // result: that line is cold by then (the kernel ran the echo reply in between), and the
  // miss was a tenth of the loop's user time (bench/RESULTS.md).
  result.rtt_seconds.assign(destination.count, std::numeric_limits<double>::quiet_NaN());
  queue_for(destination.timeout);
  destinations_.push_back(destination);
  sent_.push_back(0);
  return static_cast<std::uint32_t>(destinations_.size() - 1);
}

std::uint32_t PingLedger::record_send(std::uint32_t d, const Timestamp& at, int error) {
  if (requests_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("too many echo requests in one run (more than 2^32 - 1)");
  }
  const auto r = static_cast<std::uint32_t>(requests_.size());
  requests_.push_back({at, d, sent_[d], error == 0 ? RequestState::pending : RequestState::send_failed});
  if (error == 0) {
    if (sent_[d] >= destinations_[d].count)  // more than planned: its RTT needs room too
      results_[destinations_[d].target].rtt_seconds.push_back(std::numeric_limits<double>::quiet_NaN());
    ++sent_[d];
    ++pending_;
    queue_for(destinations_[d].timeout).requests.push_back(r);
  } else {
    // Nothing left the host: not sent, not lost, counted apart.
    ++results_[destinations_[d].target].send_errors;
    if (first_pending_ == r) ++first_pending_;
  }
  return r;
}

// The whole life of a request, in one table:
//
//   state \ event | reply in time   reply too late   error      timeout
//   pending       | received        late             error      timed_out
//   timed_out     | received        late             error      -
//   error         | late            late             -          -
//   received      | duplicate       duplicate        -          -
//   late          | duplicate       duplicate        -          -
//   send_failed   | -               -                -          -
//
// "In time" is the kernel's receive stamp within the timeout and before the deadline, so a
// reply the loop read only after the request had timed out (netprom was stalled, or the
// deadline ended the loop) still counts when it arrived in time.
void PingLedger::transition(std::uint32_t r, RequestEvent event, std::chrono::nanoseconds rtt,
                            const EventDetail& detail) {
  Request& request = requests_[r];
  PingResult& result = result_of(r);
  const RequestState before = request.state;
  switch (event) {
    case RequestEvent::reply: {
      if (before == RequestState::received || before == RequestState::late) {
        ++result.duplicates;
        return;
      }
      if (before == RequestState::send_failed) return;
      const bool in_time = before != RequestState::error && rtt <= destinations_[request.destination].timeout &&
                           request.sent.mono + rtt <= deadline_;
      if (in_time) {
        request.state = RequestState::received;
        ++result.received;
        result.rtt_seconds[request.attempt] = std::chrono::duration<double>(rtt).count();
        if (detail.ttl) result.reply_ttl = detail.ttl;
      } else {
        request.state = RequestState::late;
        ++result.late;
      }
      break;
    }
    case RequestEvent::error:
      if (before != RequestState::pending && before != RequestState::timed_out) return;
      request.state = RequestState::error;
      ++result.errors;
      ++result.errors_by_type[static_cast<std::size_t>(detail.error_type)];
      result.last_error.emplace(detail.error_type,
                                detail.error_from.base.sa_family == AF_UNSPEC ? "" : format_address(detail.error_from));
      break;
    case RequestEvent::timeout:
      if (before != RequestState::pending) return;
      request.state = RequestState::timed_out;
      break;
  }
  if (before == RequestState::pending) leave_pending(r);
}

void PingLedger::leave_pending(std::uint32_t r) {
  --pending_;
  if (r != first_pending_) return;
  while (first_pending_ < requests_.size() && requests_[first_pending_].state != RequestState::pending) {
    ++first_pending_;
  }
}

void PingLedger::count_corrupt(std::uint32_t r) { ++result_of(r).corrupt; }

PingLedger::ExpiryQueue& PingLedger::queue_for(nanoseconds timeout) {
  auto it = std::lower_bound(expiries_.begin(), expiries_.end(), timeout,
                             [](const ExpiryQueue& q, nanoseconds t) { return q.timeout < t; });
  if (it == expiries_.end() || it->timeout != timeout) it = expiries_.insert(it, ExpiryQueue{timeout, {}, 0});
  return *it;
}

void PingLedger::expire(MonoTime now) {
  // Requests answered meanwhile are dropped on the way, so that each queue's head is a pending
  // request and next_expiry() never wakes the loop for nothing.
  for (ExpiryQueue& q : expiries_) {
    for (; q.head < q.requests.size(); ++q.head) {
      const std::uint32_t r = q.requests[q.head];
      if (requests_[r].state != RequestState::pending) continue;
      if (requests_[r].sent.mono + q.timeout > now) break;
      transition(r, RequestEvent::timeout);
    }
    if (q.head == q.requests.size()) {  // all done: the space is used again
      q.requests.clear();
      q.head = 0;
    }
  }
}

void PingLedger::expire_all() { expire(MonoTime::max()); }

std::optional<MonoTime> PingLedger::next_expiry() const {
  std::optional<MonoTime> next;
  for (const ExpiryQueue& q : expiries_) {
    for (std::size_t i = q.head; i < q.requests.size(); ++i) {
      const Request& request = requests_[q.requests[i]];
      if (request.state != RequestState::pending) continue;
      next = std::min(next.value_or(MonoTime::max()), request.sent.mono + q.timeout);
      break;
    }
  }
  return next;
}

std::vector<PingResult> PingLedger::take_results() {
  for (std::uint32_t i = 0; i < destinations_.size(); ++i) {
    const PingDestination& d = destinations_[i];
    PingResult& result = results_[d.target];
    result.sent = sent_[i];
    result.rtt_seconds.resize(sent_[i]);
    const std::uint64_t tried = result.sent + result.send_errors;
    result.unsent = d.count > tried ? d.count - tried : 0;
  }
  return std::move(results_);
}

}  // namespace netprom
