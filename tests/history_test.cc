// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "history.h"
#include "metrics.h"
#include "options.h"

using namespace netprom;

namespace {

std::vector<TargetSpec> targets_named(std::vector<std::string> names) {
  std::vector<TargetSpec> t;
  for (auto& n : names) t.push_back({n, n, Family::any, {}, ""});
  return t;
}

PingResult result(std::vector<double> rtt, std::uint64_t dup = 0) {
  PingResult r;
  r.resolved = true;
  r.sent = rtt.size();
  for (double x : rtt) r.received += std::isnan(x) ? 0 : 1;
  r.duplicates = dup;
  r.rtt_seconds = std::move(rtt);
  return r;
}

std::string state_error(std::string_view text) {
  try {
    parse_history(text);
  } catch (const StateError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history)

BOOST_AUTO_TEST_CASE(three_runs_of_four_requests_count_twelve) {
  auto targets = targets_named({"a"});
  std::vector<double> bounds{0.001, 0.01};
  History h;
  for (int run = 0; run < 3; ++run) {
    std::vector<PingResult> results{result({0.0005, 0.005, 0.05, 0.001}, 1)};
    h = parse_history(render_history(update_history(h, targets, results, bounds)));
  }
  BOOST_REQUIRE(h.dests.size() == 1u);
  BOOST_TEST(h.dests[0].sent == 12u);
  BOOST_TEST(h.dests[0].received == 12u);
  BOOST_TEST(h.dests[0].duplicates == 3u);
  BOOST_TEST(h.dests[0].count == 12u);
  // 0.001 falls in le="0.001": Prometheus buckets are upper-inclusive.
  BOOST_TEST(h.dests[0].buckets == (std::vector<std::uint64_t>{6, 3, 3}), boost::test_tools::per_element());
  BOOST_TEST(h.dests[0].sum == 3 * (0.0005 + 0.005 + 0.05 + 0.001), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(lost_requests_count_as_sent_not_observed) {
  auto targets = targets_named({"a"});
  std::vector<PingResult> results{result({NAN, 0.002, NAN})};
  History h = update_history({}, targets, results, {0.001, 0.01});
  BOOST_TEST(h.dests[0].sent == 3u);
  BOOST_TEST(h.dests[0].received == 1u);
  BOOST_TEST(h.dests[0].count == 1u);
}

BOOST_AUTO_TEST_CASE(removed_destinations_are_dropped_and_new_ones_start_at_zero) {
  std::vector<double> bounds{0.01};
  std::vector<PingResult> two{result({0.001}), result({0.002})};
  History h = update_history({}, targets_named({"a", "b"}), two, bounds);
  std::vector<PingResult> two_again{result({0.001}), result({0.002})};
  h = update_history(h, targets_named({"b", "c"}), two_again, bounds);
  BOOST_REQUIRE(h.dests.size() == 2u);
  BOOST_TEST(h.dests[0].name == "b");
  BOOST_TEST(h.dests[0].sent == 2u);
  BOOST_TEST(h.dests[1].name == "c");
  BOOST_TEST(h.dests[1].sent == 1u);
}

BOOST_AUTO_TEST_CASE(changed_buckets_restart_the_histogram_but_not_the_counters) {
  auto targets = targets_named({"a"});
  std::vector<PingResult> results{result({0.001, 0.002})};
  History h = update_history({}, targets, results, {0.01});
  h = update_history(h, targets, results, {0.005, 0.05});
  BOOST_TEST(h.dests[0].sent == 4u);
  BOOST_TEST(h.dests[0].count == 2u);
  BOOST_TEST(h.dests[0].buckets == (std::vector<std::uint64_t>{2, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(names_with_quotes_backslashes_and_newlines_round_trip) {
  auto targets = targets_named({"a\"b\\c\nd", "caf\xc3\xa9"});
  std::vector<PingResult> results{result({0.001}), result({NAN})};
  History h = parse_history(render_history(update_history({}, targets, results, default_buckets())));
  BOOST_TEST(h.dests[0].name == "a\"b\\c\nd");
  BOOST_TEST(h.dests[1].name == "caf\xc3\xa9");
  BOOST_TEST(h.bounds == default_buckets(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(corrupt_or_foreign_state_is_refused_with_the_reason) {
  BOOST_TEST(state_error("") == "the file is cut short (no 'end' line)");
  BOOST_TEST(state_error("netprom-state 2\nend\n") == "line 1: not a 'netprom-state 1' state file");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.1\ndest \"a\" 1 1 0 1 0.05 1 0\n") ==
             "the file is cut short (no 'end' line)");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.1\ndest \"a\" 1 1 0 1 0.05 1\nend\n") ==
             "line 3: inconsistent totals for 'a'");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.1\ndest \"a\" 1 2 0 0 0 0 0\nend\n") ==
             "line 3: inconsistent totals for 'a'");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.1\ndest \"a\" x 1 0 1 0.05 1 0\nend\n") ==
             "line 3: 'x' is not a number");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.2 0.1\nend\n") ==
             "line 2: bucket bounds must be positive and increasing");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.1\nend\ngarbage\n") == "line 4: text after 'end'");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.1\ndest \"a 1\nend\n") == "line 3: unterminated name");
}

BOOST_AUTO_TEST_CASE(histogram_renders_cumulative_buckets_sum_and_count) {
  auto targets = targets_named({"a"});
  std::vector<PingResult> results{result({0.0005, 0.005, NAN})};
  History h = update_history({}, targets, results, {0.001, 0.01});
  RunReport r;
  r.ping_enabled = r.ping_ok = true;
  r.targets = targets;
  r.ping = results;
  r.history = &h;
  std::string text = render_metrics(r);
  BOOST_TEST(text.find("# TYPE netprom_ping_rtt_seconds histogram\n"
                       "netprom_ping_rtt_seconds_bucket{dest=\"a\",le=\"0.001\"} 1\n"
                       "netprom_ping_rtt_seconds_bucket{dest=\"a\",le=\"0.01\"} 2\n"
                       "netprom_ping_rtt_seconds_bucket{dest=\"a\",le=\"+Inf\"} 2\n"
                       "netprom_ping_rtt_seconds_sum{dest=\"a\"} 0.0055\n"
                       "netprom_ping_rtt_seconds_count{dest=\"a\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("# TYPE netprom_ping_packets_sent_total counter\nnetprom_ping_packets_sent_total{dest=\"a\"} 3\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(default_buckets_double_from_50us_to_about_26s) {
  auto b = default_buckets();
  BOOST_TEST(b.size() == 20u);
  BOOST_TEST(b.front() == 0.00005);
  BOOST_TEST(b.back() == 26.2144);
}

BOOST_AUTO_TEST_SUITE_END()
