// SPDX-License-Identifier: MIT
#include "clock.h"

#include <time.h>

#include <cerrno>
#include <system_error>

#include <fmt/os.h>

namespace netprom {

namespace {

template <typename TimePoint>
TimePoint read_clock(clockid_t id) {
  timespec ts{};
  // clock_gettime only fails for an invalid clock id, which these constants are not.
  ::clock_gettime(id, &ts);
  const auto since_epoch = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  return TimePoint(std::chrono::duration_cast<typename TimePoint::duration>(since_epoch));
}

}  // namespace

Timestamp SystemClock::now() {
  Timestamp t;
  t.mono = read_clock<MonoTime>(CLOCK_MONOTONIC);
  t.wall = read_clock<WallTime>(CLOCK_REALTIME);
  return t;
}

MonoTime SystemClock::mono_now() { return read_clock<MonoTime>(CLOCK_MONOTONIC); }

bool SystemClock::wait(std::span<pollfd> fds, MonoTime until) {
  const auto left = until - read_clock<MonoTime>(CLOCK_MONOTONIC);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
  timespec timeout{};
  if (ns > 0) {
    timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  }
  const int n = ::ppoll(fds.data(), fds.size(), &timeout, nullptr);
  if (n < 0) {
    // A signal is not a failure: the caller's loop rereads the clock and waits again.
    if (errno == EINTR) return false;
    throw fmt::system_error(errno, "cannot poll ICMP sockets");
  }
  return n > 0;
}

}  // namespace netprom
