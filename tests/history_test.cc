// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "history.h"
#include "scoped_temp_dir.h"
#include "metrics.h"
#include "options.h"

using namespace netprom;

namespace {

std::vector<TargetSpec> targets_named(std::vector<std::string> names) {
  std::vector<TargetSpec> t;
  for (auto& n : names) t.push_back({n, n, Family::any, {}, "", {}, {}, {}});
  return t;
}

PingResult result(std::vector<double> rtt, std::uint64_t dup = 0) {
  PingResult r;
  r.address = parse_address_literal("192.0.2.1");
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

BOOST_AUTO_TEST_CASE(refused_sends_are_totalled_apart_and_kept_across_runs) {
  auto targets = targets_named({"a"});
  History h;
  for (int run = 0; run < 2; ++run) {
    std::vector<PingResult> results{result({0.002})};
    results[0].send_errors = 4;  // 4 refused by the kernel, 1 sent and answered
    h = parse_history(render_history(update_history(h, targets, results, {0.001, 0.01})));
  }
  BOOST_TEST(h.dests[0].send_errors == 8u);
  BOOST_TEST(h.dests[0].sent == 2u);
  BOOST_TEST(h.dests[0].received == 2u);
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
  const std::string head = "netprom-state 2\noutput \"/o.prom\"\n";
  BOOST_TEST(state_error("") == "the file is cut short (no 'end' line)");
  BOOST_TEST(state_error("netprom-state 1\nbuckets 0.1\nend\n") == "line 1: not a 'netprom-state 2' state file");
  BOOST_TEST(state_error("netprom-state 2\nbuckets 0.1\nend\n") == "line 2: unexpected 'buckets'");
  BOOST_TEST(state_error(head + "buckets 0.1\ndest \"a\" 1 1 0 0 1 0.05 1 0\n") ==
             "the file is cut short (no 'end' line)");
  BOOST_TEST(state_error(head + "buckets 0.1\ndest \"a\" 1 1 0 0 1 0.05 1\nend\n") ==
             "line 4: inconsistent totals for 'a'");
  BOOST_TEST(state_error(head + "buckets 0.1\ndest \"a\" 1 2 0 0 0 0 0 0\nend\n") ==
             "line 4: inconsistent totals for 'a'");
  BOOST_TEST(state_error(head + "buckets 0.1\ndest \"a\" x 1 0 0 1 0.05 1 0\nend\n") == "line 4: 'x' is not a number");
  BOOST_TEST(state_error(head + "buckets 0.2 0.1\nend\n") == "line 3: bucket bounds must be positive and increasing");
  BOOST_TEST(state_error(head + "buckets 0.1\nend\ngarbage\n") == "line 5: text after 'end'");
  BOOST_TEST(state_error(head + "buckets 0.1\ndest \"a 1\nend\n") == "line 4: unterminated name");
}

BOOST_AUTO_TEST_CASE(tampered_totals_are_refused) {
  const std::string head = "netprom-state 2\noutput \"/o.prom\"\nbuckets 0.1\n";
  // Buckets that do not add up to the count, either way.
  BOOST_TEST(state_error(head + "dest \"a\" 5 5 0 0 3 0.05 1 1\nend\n") == "line 4: inconsistent totals for 'a'");
  BOOST_TEST(state_error(head + "dest \"a\" 5 5 0 0 2 0.05 2 1\nend\n") == "line 4: inconsistent totals for 'a'");
  // More RTT samples than replies; more buckets than bounds; a sum no run of these could reach.
  BOOST_TEST(state_error(head + "dest \"a\" 5 1 0 0 2 0.05 1 1\nend\n") == "line 4: inconsistent totals for 'a'");
  BOOST_TEST(state_error(head + "dest \"a\" 5 5 0 0 2 0.05 1 1 0\nend\n") == "line 4: inconsistent totals for 'a'");
  BOOST_TEST(state_error(head + "dest \"a\" 5 5 0 0 2 7201 1 1\nend\n") == "line 4: inconsistent totals for 'a'");
  // Values past 2^53 (buckets that would wrap when summed, among them).
  BOOST_TEST(state_error(head + "dest \"a\" 9007199254740993 5 0 0 2 0.05 1 1\nend\n") ==
             "line 4: 9007199254740993 is past 2^53, no run counts that far");
  BOOST_TEST(state_error(head + "dest \"a\" 5 5 0 0 0 0 18446744073709551615 1\nend\n") ==
             "line 4: 18446744073709551615 is past 2^53, no run counts that far");
  // 2^53 itself is still a count.
  BOOST_TEST(state_error(head + "dest \"a\" 9007199254740992 0 0 0 0 0 0 0\nend\n") == "");
}

BOOST_AUTO_TEST_CASE(the_output_is_kept_and_read_back) {
  History h;
  h.output = "/var/lib/x \"y\".prom";
  h.bounds = {0.1};
  BOOST_TEST(parse_history(render_history(h)).output == h.output);
}

BOOST_AUTO_TEST_CASE(state_files_are_named_after_their_output) {
  BOOST_TEST(history_path("/var/lib/netprom", "/t/netprom.prom") == "/var/lib/netprom/netprom.prom.state");
  BOOST_TEST(history_path("/var/lib/netprom/", "other.prom") == "/var/lib/netprom/other.prom.state");
  BOOST_TEST(history_path("s", "-") == "s/stdout.state");
}

BOOST_AUTO_TEST_CASE(the_reader_takes_a_regular_file_within_the_limit_only) {
  netprom::testing::ScopedTempDir dir;
  auto targets = targets_named({"a"});
  std::vector<PingResult> results{result({0.001})};
  History h = update_history({}, targets, results, default_buckets());
  h.output = "/o.prom";
  std::string text = render_history(h);
  std::string path = dir.file("s.state");
  netprom::testing::write_file(path, text);
  std::string warning;
  BOOST_TEST(read_history(path, history_size_limit(targets), warning).dests.size() == 1u);
  BOOST_TEST(warning == "");
  // The limit of one destination holds its state with the widest numbers and 64 bounds.
  BOOST_TEST(text.size() < history_size_limit(targets));
  // One byte over the limit: refused before it is read.
  BOOST_TEST(read_history(path, text.size() - 1, warning).dests.empty());
  BOOST_TEST(warning == fmt::format("state {} is {} bytes, more than the {} the configured destinations can need; "
                                    "starting fresh", path, text.size(), text.size() - 1));
  // Missing: an empty history and nothing to say.
  warning.clear();
  BOOST_TEST(read_history(dir.file("none"), 1000, warning).dests.empty());
  BOOST_TEST(warning == "");
  // A FIFO is not waited on, a symlink (to /dev/zero) not followed, a directory not read.
  BOOST_REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
  read_history(dir.file("fifo"), 1000, warning);
  BOOST_TEST(warning == "state " + dir.file("fifo") + " is not a regular file; starting fresh");
  BOOST_REQUIRE(::symlink("/dev/zero", dir.file("zero").c_str()) == 0);
  read_history(dir.file("zero"), 1000, warning);
  BOOST_TEST(warning == "state " + dir.file("zero") + " cannot be read: it is a symbolic link; starting fresh");
  read_history(dir.path(), 1000, warning);
  BOOST_TEST(warning == "state " + dir.path() + " is not a regular file; starting fresh");
  // Corrupt content: the parser's reason.
  netprom::testing::write_file(path, "netprom-state 2\n");
  read_history(path, 1000, warning);
  BOOST_TEST(warning == "state " + path + " is unusable: the file is cut short (no 'end' line); starting fresh");
}

BOOST_AUTO_TEST_CASE(histogram_renders_cumulative_buckets_sum_and_count) {
  auto targets = targets_named({"a"});
  std::vector<PingResult> results{result({0.0005, 0.005, NAN})};
  History h = update_history({}, targets, results, {0.001, 0.01});
  RunReport r;
  r.ping_enabled = r.ping_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, results, &h);
  r.destinations = destinations;
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
