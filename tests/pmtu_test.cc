// SPDX-License-Identifier: MIT
#include "pmtu.h"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <vector>

using namespace netprom;

namespace {

enum class Answer { reply, timeout, too_big };

// A simulated path: the first link's MTU `device` (a larger probe fails locally with EMSGSIZE,
// reporting the MTU when `device_reports`), then a link of MTU `mtu` whose router reports it
// ("too big") unless it is a black hole (the probe just vanishes). `lossy_sizes` lose their
// first probe. `dead`: nothing ever comes back.
struct Path {
  int device = 1500;
  bool device_reports = true;
  int mtu = 1500;
  bool black_hole = false;
  bool dead = false;
  std::vector<int> lossy_sizes;
};

struct Outcome {
  std::optional<int> result;
  std::vector<int> probes;
  int timeouts = 0;
};

Outcome search(Family family, int upper, const Path& path, int attempts = 2) {
  PathMtuSearch s(family, upper, attempts);
  Outcome out;
  std::vector<int> lost = path.lossy_sizes;
  while (std::optional<int> size = s.next_size()) {
    out.probes.push_back(*size);
    BOOST_REQUIRE(out.probes.size() < 200);  // it must end
    if (*size > path.device) {
      s.on_too_big(*size, path.device_reports ? std::optional(path.device) : std::nullopt);
    } else if (path.dead || (*size > path.mtu && path.black_hole) ||
               std::erase(lost, *size) > 0) {
      ++out.timeouts;
      s.on_timeout(*size);
    } else if (*size > path.mtu) {
      s.on_too_big(*size, path.mtu);
    } else {
      s.on_reply(*size);
    }
  }
  out.result = s.result();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pmtu)

BOOST_AUTO_TEST_CASE(bounds_per_family) {
  BOOST_TEST(min_path_mtu(Family::v4) == 68);
  BOOST_TEST(min_path_mtu(Family::v6) == 1280);
  BOOST_TEST(probe_overhead(Family::v4) == 28);
  BOOST_TEST(probe_overhead(Family::v6) == 48);
  BOOST_TEST(max_path_mtu(Family::v4) == 65528);
  BOOST_TEST(max_path_mtu(Family::v6) == 65548);
}

BOOST_AUTO_TEST_CASE(a_black_hole_at_every_mtu_is_found_exactly) {
  for (const Family family : {Family::v4, Family::v6}) {
    for (int m = min_path_mtu(family); m <= 1500; ++m) {
      Path path;
      path.mtu = m;
      path.black_hole = true;
      const Outcome o = search(family, 1500, path);
      BOOST_TEST_REQUIRE(o.result.value_or(-1) == m, "family " << int(family) << " mtu " << m);
      // The first probe (the upper bound), the minimum when that timed out (one answered
      // probe), then a bisection whose too-big sizes cost two timeouts each: at most
      // 2 * (1 + ceil(log2(1500 - 68))) timeouts and one probe more.
      BOOST_TEST_REQUIRE(o.timeouts <= 24);
      BOOST_TEST_REQUIRE(o.probes.size() <= static_cast<std::size_t>(o.timeouts) + 12u);
      if (m < 1500) {
        BOOST_TEST_REQUIRE(o.probes[2] == min_path_mtu(family));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_black_hole_behind_a_wider_device_is_found_for_every_mtu_up_to_the_limit) {
  // The upper bound is the largest probe; the device's local EMSGSIZE brings it down, with the
  // MTU (IPv4, error queue) or without (IPv6 ping sockets).
  for (const bool reports : {true, false}) {
    for (int m = 68; m <= 9000; m += 7) {
      Path path{9000, reports, m, true, false, {}};
      const Outcome o = search(Family::v4, max_path_mtu(Family::v4), path);
      BOOST_TEST_REQUIRE(o.result.value_or(-1) == m, "mtu " << m << " reports " << reports);
    }
  }
  for (int m = 68; m <= max_path_mtu(Family::v4); m += 97) {
    Path path{max_path_mtu(Family::v4), true, m, true, false, {}};
    BOOST_TEST_REQUIRE(search(Family::v4, max_path_mtu(Family::v4), path).result.value_or(-1) == m, "mtu " << m);
  }
}

BOOST_AUTO_TEST_CASE(the_routers_answer_is_confirmed_by_one_probe) {
  // 1500 goes out, the router says 1400, 1400 comes back: two probes, no timeout.
  for (const Family family : {Family::v4, Family::v6}) {
    const Outcome o = search(family, 1500, Path{1500, true, 1400, false, false, {}});
    BOOST_TEST(o.result.value_or(-1) == 1400);
    BOOST_TEST(o.probes == (std::vector<int>{1500, 1400}), boost::test_tools::per_element());
    BOOST_TEST(o.timeouts == 0);
  }
  // From the largest probe: the device's EMSGSIZE with its MTU, then the router's.
  const Outcome o = search(Family::v4, max_path_mtu(Family::v4), Path{1500, true, 1400, false, false, {}});
  BOOST_TEST(o.probes == (std::vector<int>{65528, 1500, 1400}), boost::test_tools::per_element());
  BOOST_TEST(o.result.value_or(-1) == 1400);
}

BOOST_AUTO_TEST_CASE(an_open_path_costs_one_probe) {
  const Outcome o = search(Family::v6, 1500, Path{});
  BOOST_TEST(o.probes == (std::vector<int>{1500}), boost::test_tools::per_element());
  BOOST_TEST(o.result.value_or(-1) == 1500);
}

BOOST_AUTO_TEST_CASE(every_router_mtu_is_found_with_or_without_its_answer) {
  for (int m = 68; m <= 1500; ++m) {
    const Outcome told = search(Family::v4, 1500, Path{1500, true, m, false, false, {}});
    BOOST_TEST_REQUIRE(told.result.value_or(-1) == m);
    BOOST_TEST_REQUIRE(told.probes.size() <= (m == 1500 ? 1u : 2u));
  }
}

BOOST_AUTO_TEST_CASE(one_lost_probe_is_not_a_black_hole) {
  // The first 1500 is lost; its second try comes back.
  const Outcome o = search(Family::v4, 1500, Path{1500, true, 1500, false, false, {1500}});
  BOOST_TEST(o.result.value_or(-1) == 1500);
  BOOST_TEST(o.timeouts == 1);
  // With one attempt per size the same loss ends lower: attempts are what buys this.
  const Outcome once = search(Family::v4, 1500, Path{1500, true, 1500, false, false, {1500}}, 1);
  BOOST_TEST(once.result.value_or(-1) != 1500);
}

BOOST_AUTO_TEST_CASE(nothing_coming_back_finds_nothing) {
  for (const Family family : {Family::v4, Family::v6}) {
    Path path;
    path.dead = true;
    const Outcome o = search(family, 1500, path);
    BOOST_TEST(!o.result.has_value());
    // The upper bound, then the minimum, twice each: a destination that stopped answering
    // after its echo replies costs four timeouts, not two for every size of a bisection.
    const int min = min_path_mtu(family);
    BOOST_TEST(o.probes == (std::vector<int>{1500, 1500, min, min}), boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(a_late_reply_counts_and_stale_errors_do_not) {
  PathMtuSearch s(Family::v4, 1500, 1);
  s.on_timeout(1500);                      // hi 1499; nothing came back yet: the minimum next
  BOOST_TEST(s.next_size().value_or(-1) == 68);
  s.on_reply(1500);                        // the 1500 probe's reply came after its timeout
  BOOST_TEST(!s.next_size().has_value());
  BOOST_TEST(s.result().value_or(-1) == 1500);
  s.on_too_big(1400, 1300);                // smaller than what passed: ignored
  BOOST_TEST(s.result().value_or(-1) == 1500);
}

BOOST_AUTO_TEST_CASE(reported_mtus_that_say_nothing_are_ignored) {
  PathMtuSearch s(Family::v6, 1500, 2);
  s.on_too_big(1500, 1500);  // not below the probe: only "1500 is too big"
  BOOST_TEST(s.next_size().value_or(-1) == 1389);
  s.on_too_big(1389, 1000);  // below IPv6's minimum: only "1389 is too big"
  BOOST_TEST(s.next_size().value_or(-1) == 1334);
  s.on_reply(1334);
  s.on_too_big(1361, 1334);  // at a size known to pass: only "1361 is too big"
  BOOST_TEST(s.next_size().value_or(-1) == 1347);
}

BOOST_AUTO_TEST_CASE(an_upper_bound_below_the_minimum_is_the_minimum) {
  PathMtuSearch s(Family::v6, 1000, 2);
  BOOST_TEST(s.next_size().value_or(-1) == 1280);
  s.on_reply(1280);
  BOOST_TEST(s.result().value_or(-1) == 1280);
}

BOOST_AUTO_TEST_SUITE_END()
