// SPDX-License-Identifier: MIT
// Helper threads for the few places where a run's work splits: naming thousands of links while
// their dump arrives, writing the output while the rest is rendered.
#pragma once

#include <functional>
#include <thread>

namespace netprom {

/// Starts `body` on a new thread that first leaves the CPU its creator runs on, when it is
/// allowed to run elsewhere. Linux starts a new thread on its creator's CPU and spreads the
/// load only later, so within a few milliseconds the two share one CPU while another idles
/// (2,000 links read in a fresh process: 4.2-6.6 ms with one helper left where it started,
/// 2.9-4.0 ms with it moved). Best effort: where sched_setaffinity() is refused (a seccomp
/// filter) the thread stays where it started. Throws std::system_error when no thread can be
/// started (a tasks limit); the caller then does the work itself.
std::thread start_helper_thread(std::function<void()> body);

}  // namespace netprom
