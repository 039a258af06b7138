// SPDX-License-Identifier: MIT
// Helper threads for where a run's work splits: naming thousands of links while their dump
// arrives (LinkNamer).
#pragma once

#include <functional>
#include <thread>

namespace netprom {

/// Starts `body` on a new thread that may run on any CPU but the one its creator runs on,
/// when it is allowed to run elsewhere. Linux queues a new thread on its creator's CPU, where
/// it waits for the creator's time slice to end (milliseconds) while another CPU idles: with
/// 2,000 links the helper that names them started 0.3-4 ms late and often did little. Its
/// affinity is set by the creator right after creating it, so it is moved to another CPU's
/// queue before it first runs (then it starts within ~0.1 ms). Best effort: where
/// sched_setaffinity() is refused (a seccomp filter) the thread stays where the kernel put
/// it. Throws std::system_error when no thread can be started (a tasks limit); the caller
/// then does the work itself.
std::thread start_helper_thread(std::function<void()> body);

}  // namespace netprom
