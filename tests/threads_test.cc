// SPDX-License-Identifier: MIT
#include "threads.h"

#include <sched.h>

#include <boost/test/unit_test.hpp>

#include <future>

using namespace netprom;

BOOST_AUTO_TEST_SUITE(threads)

BOOST_AUTO_TEST_CASE(helper_runs_its_body_off_its_creators_cpu) {
  cpu_set_t allowed;
  BOOST_REQUIRE(::sched_getaffinity(0, sizeof allowed, &allowed) == 0);
  bool ran = false;
  cpu_set_t helper_allowed;
  CPU_ZERO(&helper_allowed);
  // The creator sets the helper's affinity right after starting it: the helper looks once
  // start_helper_thread() has returned.
  std::promise<void> returned;
  std::shared_future<void> has_returned = returned.get_future().share();
  std::thread helper = start_helper_thread([&] {
    has_returned.wait();
    ran = true;
    ::sched_getaffinity(0, sizeof helper_allowed, &helper_allowed);
  });
  returned.set_value();
  helper.join();
  BOOST_TEST(ran);
  // One CPU fewer than this thread may use (the one it ran on when it started the helper),
  // and none that it may not; with a single CPU there is nowhere else to go.
  const int expected = CPU_COUNT(&allowed) > 1 ? CPU_COUNT(&allowed) - 1 : CPU_COUNT(&allowed);
  BOOST_TEST(CPU_COUNT(&helper_allowed) == expected);
  cpu_set_t outside;
  CPU_AND(&outside, &helper_allowed, &allowed);
  BOOST_TEST(CPU_EQUAL(&outside, &helper_allowed));
}

BOOST_AUTO_TEST_SUITE_END()
