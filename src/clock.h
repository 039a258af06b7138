// SPDX-License-Identifier: MIT
// Time and waiting, behind an interface so the pinger can be tested on a fake clock.
#pragma once

#include <poll.h>

#include <chrono>
#include <span>

namespace netprom {

/// A CLOCK_MONOTONIC instant (steady_clock is CLOCK_MONOTONIC on Linux).
using MonoTime = std::chrono::steady_clock::time_point;
/// A CLOCK_REALTIME instant, the clock of SO_TIMESTAMPNS kernel receive timestamps.
using WallTime = std::chrono::system_clock::time_point;

/// A setting in seconds (interval, timeout, deadline) as a duration, truncated to whole
/// nanoseconds.
inline std::chrono::nanoseconds seconds_to_ns(double seconds) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

/// Both clocks, read back to back: monotonic first, so the realtime reading is the one
/// closest to the send or receive it brackets.
struct Timestamp {
  MonoTime mono;
  WallTime wall;
};

/// Reads the clocks and blocks until a descriptor is ready. Abstract so the pinger can be run
/// on simulated time in tests; the real implementation is SystemClock.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Returns the current monotonic and realtime readings.
  virtual Timestamp now() = 0;
  /// Returns the monotonic reading alone (a send time: one clock read per request).
  virtual MonoTime mono_now() = 0;
  /// Blocks until one of `fds` has one of its requested events or `until` has passed, and
  /// fills each revents. Returns true when at least one descriptor is ready. Returns false
  /// early on a signal (EINTR); throws std::system_error when poll itself fails.
  virtual bool wait(std::span<pollfd> fds, MonoTime until) = 0;
};

/// The real clocks (clock_gettime) and ppoll(2) with nanosecond timeouts.
class SystemClock final : public Clock {
 public:
  Timestamp now() override;
  MonoTime mono_now() override;
  bool wait(std::span<pollfd> fds, MonoTime until) override;
};

}  // namespace netprom
