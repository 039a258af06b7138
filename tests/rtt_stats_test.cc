// SPDX-License-Identifier: MIT
#include "rtt_stats.h"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

using netprom::summarize_rtts;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

BOOST_AUTO_TEST_SUITE(rtt_stats)

BOOST_AUTO_TEST_CASE(min_avg_max_and_population_stddev) {
  const std::vector<double> rtts{0.001, 0.002, 0.003, 0.004};
  const auto stats = summarize_rtts(rtts);
  BOOST_REQUIRE(stats);
  BOOST_TEST(stats->min == 0.001);
  BOOST_TEST(stats->max == 0.004);
  BOOST_TEST(stats->avg == 0.0025, boost::test_tools::tolerance(1e-12));
  // Population (divide by n), like ping's mdev: sqrt(((1.5^2+0.5^2)*2)/4) ms.
  BOOST_TEST(stats->stddev == std::sqrt(1.25) * 0.001, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(lost_requests_are_skipped) {
  const std::vector<double> rtts{kNaN, 0.010, kNaN, 0.030, kNaN};
  const auto stats = summarize_rtts(rtts);
  BOOST_REQUIRE(stats);
  BOOST_TEST(stats->min == 0.010);
  BOOST_TEST(stats->max == 0.030);
  BOOST_TEST(stats->avg == 0.020, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(stats->stddev == 0.010, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(no_valid_sample_gives_nullopt) {
  BOOST_TEST(!summarize_rtts(std::vector<double>{}));
  BOOST_TEST(!summarize_rtts(std::vector<double>{kNaN, kNaN}));
}

BOOST_AUTO_TEST_CASE(single_sample_has_zero_stddev) {
  const auto stats = summarize_rtts(std::vector<double>{0.25});
  BOOST_REQUIRE(stats);
  BOOST_TEST(stats->min == 0.25);
  BOOST_TEST(stats->avg == 0.25);
  BOOST_TEST(stats->max == 0.25);
  BOOST_TEST(stats->stddev == 0.0);
}

BOOST_AUTO_TEST_CASE(close_samples_keep_their_small_stddev) {
  // sum(x^2)/n - mean^2 would lose these 0.5 us to cancellation against 1000 s squared.
  const auto stats = summarize_rtts(std::vector<double>{1000.000001, 1000.000002});
  BOOST_REQUIRE(stats);
  BOOST_TEST(stats->stddev == 0.5e-6, boost::test_tools::tolerance(1e-4));
}

BOOST_AUTO_TEST_CASE(averages_print_as_the_shortest_exact_decimal) {
  // Summing doubles printed 0.0008391695499999999 and 3.501050000000001e-05 here.
  const auto a = summarize_rtts(std::vector<double>{0.000839169, 0.00083917});
  BOOST_REQUIRE(a);
  BOOST_TEST(fmt::format("{}", a->avg) == "0.0008391695");
  const auto b = summarize_rtts(std::vector<double>{3.5001e-05, 3.502e-05});
  BOOST_REQUIRE(b);
  BOOST_TEST(fmt::format("{}", b->avg) == "3.50105e-05");
  BOOST_TEST(fmt::format("{}", b->min) == "3.5001e-05");
  BOOST_TEST(fmt::format("{}", b->max) == "3.502e-05");
  BOOST_TEST(fmt::format("{}", b->stddev) == "9.5e-09");  // half the 19 ns spread
}

BOOST_AUTO_TEST_CASE(stddev_is_the_population_form_exact_in_nanoseconds) {
  // 1, 2, 3, 4 ms: population variance 1.25 ms^2 (ping's mdev), not 1.6667 (sample form).
  const auto s = summarize_rtts(std::vector<double>{0.001, 0.002, 0.003, 0.004});
  BOOST_REQUIRE(s);
  BOOST_TEST(s->stddev == std::sqrt(1.25) / 1000, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(fmt::format("{}", s->avg) == "0.0025");
  // Large RTTs and many samples stay exact: 100,000 samples of 30 s and 30 s + 1 ns.
  std::vector<double> many;
  for (int i = 0; i < 100000; ++i) many.push_back(i % 2 ? 30.000000001 : 30.0);
  const auto m = summarize_rtts(many);
  BOOST_REQUIRE(m);
  BOOST_TEST(fmt::format("{}", m->avg) == "30.0000000005");
  BOOST_TEST(fmt::format("{}", m->stddev) == "5e-10");
}

BOOST_AUTO_TEST_CASE(jitter_of_a_peer_alternating_10_and_30_ms_is_exactly_0_020) {
  const std::vector<double> rtt{0.010, 0.030, 0.010, 0.030, 0.010};
  BOOST_TEST(netprom::rtt_jitter(rtt).value_or(-1) == 0.020);
}

BOOST_AUTO_TEST_CASE(jitter_uses_only_consecutive_requests_that_both_got_a_reply) {
  // Pairs (0.001, 0.004) and (0.010, 0.004): |3 ms| and |6 ms|; the lost request breaks the
  // pair around it (0.004 -> NaN -> 0.010 is no pair).
  const std::vector<double> rtt{0.001, 0.004, NAN, 0.010, 0.004};
  BOOST_TEST(netprom::rtt_jitter(rtt).value_or(-1) == 0.0045);
  // Mean of |1 ns| and |2 ns| is 1.5 ns, exactly.
  BOOST_TEST(netprom::rtt_jitter(std::vector<double>{0.000000001, 0.000000002, 0.000000004}).value_or(-1) == 1.5e-9);
}

BOOST_AUTO_TEST_CASE(jitter_is_absent_without_a_pair) {
  BOOST_TEST(!netprom::rtt_jitter(std::vector<double>{}));
  BOOST_TEST(!netprom::rtt_jitter(std::vector<double>{0.010}));
  BOOST_TEST(!netprom::rtt_jitter(std::vector<double>{0.010, NAN, 0.030}));
  BOOST_TEST(netprom::rtt_jitter(std::vector<double>{0.010, 0.010}).value_or(-1) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
