// SPDX-License-Identifier: MIT
#include "ping_schedule.h"

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace netprom;
using namespace std::chrono_literals;

namespace {

const MonoTime t0{std::chrono::seconds(1000)};

ScheduleOptions no_grouping() {
  ScheduleOptions o;
  o.deadline = t0 + 1h;
  return o;
}

// Takes every request at its due time; returns (destination, due) in the order they came.
std::vector<std::pair<std::uint32_t, MonoTime>> drain(PingSchedule& schedule) {
  std::vector<std::pair<std::uint32_t, MonoTime>> out;
  while (const auto next = schedule.next()) {
    BOOST_REQUIRE(schedule.may_send(next->due, false));
    out.emplace_back(next->destination, next->due);
    schedule.take(next->due);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ping_schedule)

BOOST_AUTO_TEST_CASE(requests_come_in_due_order_across_destinations) {
  PingSchedule s(no_grouping());
  s.add(0, t0, 3, 1s);
  s.add(1, t0 + 10us, 3, 1s);
  BOOST_TEST(s.left() == 6u);
  const auto order = drain(s);
  const std::vector<std::uint32_t> want{0, 1, 0, 1, 0, 1};
  BOOST_REQUIRE(order.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) BOOST_TEST(order[i].first == want[i]);
  BOOST_TEST((order[4].second == t0 + 2s));
  BOOST_TEST(s.left() == 0u);
  BOOST_TEST(!s.wake_time());
}

BOOST_AUTO_TEST_CASE(each_destination_has_its_own_start_count_and_interval) {
  PingSchedule s(no_grouping());
  s.add(7, t0 + 2500ms, 2, 100ms);  // resolved late, short interval
  s.add(3, t0, 3, 1s);
  const auto order = drain(s);
  BOOST_REQUIRE(order.size() == 5u);
  BOOST_TEST(order[0].first == 3u);
  BOOST_TEST(order[1].first == 3u);
  BOOST_TEST(order[2].first == 3u);
  BOOST_TEST((order[3] == std::pair{std::uint32_t{7}, t0 + 2500ms}));
  BOOST_TEST((order[4] == std::pair{std::uint32_t{7}, t0 + 2600ms}));
}

BOOST_AUTO_TEST_CASE(equal_due_times_keep_the_order_of_add) {
  PingSchedule s(no_grouping());
  for (std::uint32_t d : {5u, 2u, 9u}) s.add(d, t0, 1, 1s);
  const auto order = drain(s);
  BOOST_TEST(order[0].first == 5u);
  BOOST_TEST(order[1].first == 2u);
  BOOST_TEST(order[2].first == 9u);
}

BOOST_AUTO_TEST_CASE(a_request_is_never_sent_before_it_is_due) {
  PingSchedule s(no_grouping());
  s.add(0, t0 + 1s, 1, 1s);
  BOOST_TEST(!s.may_send(t0 + 999ms, false));
  BOOST_TEST(s.may_send(t0 + 1s, false));
  BOOST_TEST((*s.wake_time() == t0 + 1s));
}

BOOST_AUTO_TEST_CASE(a_group_waits_for_company_at_most_the_slack) {
  ScheduleOptions o = no_grouping();
  o.send_slack = 3ms;
  PingSchedule s(o);
  // 1,000 destinations 10 us apart: the group of the first is 256 requests, due by 2.55 ms.
  for (std::uint32_t d = 0; d < 1000; ++d) s.add(d, t0 + 10us * d, 1, 1s);
  BOOST_TEST((*s.wake_time() == t0 + 2550us));
  BOOST_TEST(!s.may_send(t0, true));       // the head is due, its group is not complete
  BOOST_TEST(s.may_send(t0, false));       // once awake, whatever is due goes
  BOOST_TEST(s.may_send(t0 + 2550us, true));
  // 100 us apart: the slack bounds the wait.
  PingSchedule sparse(o);
  for (std::uint32_t d = 0; d < 1000; ++d) sparse.add(d, t0 + 100us * d, 1, 1s);
  BOOST_TEST((*sparse.wake_time() == t0 + 3ms));
  // A lone request waits for nobody.
  PingSchedule lone(o);
  lone.add(0, t0, 3, 1s);
  BOOST_TEST((*lone.wake_time() == t0));
}

BOOST_AUTO_TEST_CASE(a_group_never_waits_past_the_deadline) {
  ScheduleOptions o = no_grouping();
  o.send_slack = 3ms;
  o.deadline = t0 + 1ms;
  PingSchedule s(o);
  for (std::uint32_t d = 0; d < 1000; ++d) s.add(d, t0 + 100us * d, 1, 1s);
  BOOST_TEST((*s.wake_time() == t0 + 1ms - 1ns));
}

BOOST_AUTO_TEST_CASE(rate_spaces_requests_out) {
  ScheduleOptions o = no_grouping();
  o.rate_step = 200ms;
  PingSchedule s(o);
  for (std::uint32_t d = 0; d < 3; ++d) s.add(d, t0, 1, 1s);
  BOOST_TEST(s.may_send(t0, true));
  s.take(t0);
  BOOST_TEST(!s.may_send(t0 + 199ms, true));
  BOOST_TEST((*s.wake_time() == t0 + 200ms));
  s.take(t0 + 200ms);
  // After an idle gap the cap allows a catch-up of at most 5 ms.
  BOOST_TEST(s.may_send(t0 + 10s, true));
  s.take(t0 + 10s);
  BOOST_TEST(s.left() == 0u);
}

BOOST_AUTO_TEST_CASE(zero_count_plans_nothing) {
  PingSchedule s(no_grouping());
  s.add(0, t0, 0, 1s);
  BOOST_TEST(!s.next());
  BOOST_TEST(s.left() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
