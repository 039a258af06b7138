// SPDX-License-Identifier: MIT
#include "threads.h"

#include <pthread.h>
#include <sched.h>

#include <utility>

namespace netprom {

std::thread start_helper_thread(std::function<void()> body) {
  const int creator = ::sched_getcpu();
  std::thread helper(std::move(body));
  // Set by the creator, right away: the new thread is then moved to another CPU's queue
  // before it first runs, instead of waiting on this CPU for the creator's time slice to end.
  cpu_set_t allowed;
  if (creator >= 0 && ::sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_ISSET(creator, &allowed) &&
      CPU_COUNT(&allowed) > 1) {
    CPU_CLR(creator, &allowed);
    (void)::pthread_setaffinity_np(helper.native_handle(), sizeof allowed, &allowed);
  }
  return helper;
}

}  // namespace netprom
