// SPDX-License-Identifier: MIT
#include "rtt_stats.h"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

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

BOOST_AUTO_TEST_SUITE_END()
