// SPDX-License-Identifier: MIT
#include "threads.h"

#include <sched.h>

#include <utility>

namespace netprom {

std::thread start_helper_thread(std::function<void()> body) {
  return std::thread([body = std::move(body), creator = ::sched_getcpu()] {
    cpu_set_t allowed;
    if (creator >= 0 && ::sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_ISSET(creator, &allowed) &&
        CPU_COUNT(&allowed) > 1) {
      CPU_CLR(creator, &allowed);
      (void)::sched_setaffinity(0, sizeof allowed, &allowed);
    }
    body();
  });
}

}  // namespace netprom
