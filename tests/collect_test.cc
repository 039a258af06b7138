// SPDX-License-Identifier: MIT
// The library-level run: collectors behind seams, real files in a temp directory.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <cmath>
#include <stdexcept>

#include "collect.h"
#include "errors.h"
#include "history.h"
#include "scoped_temp_dir.h"

using namespace netprom;
using netprom::testing::read_file;
using netprom::testing::ScopedTempDir;
using netprom::testing::write_file;

namespace {

PingResult replies(std::size_t n) {
  PingResult r;
  r.address = parse_address_literal("192.0.2.1");
  r.sent = r.received = n;
  r.rtt_seconds.assign(n, 0.001);
  return r;
}

// A run whose collectors answer from memory; messages are kept for the assertions.
struct FakeRun {
  std::vector<std::string> messages;
  std::string stdout_text;
  std::size_t replies_per_run = 4;
  RunSeams seams;
  FakeRun() {
    seams.ping = [this](std::span<const TargetSpec> targets) {
      return std::vector<PingResult>(targets.size(), replies(replies_per_run));
    };
    seams.default_targets = [] { return std::vector<TargetSpec>{{"gw", "192.0.2.254", Family::any, {}, "gw", {}, {}, {}}}; };
    seams.links = [] {
      LinkStats lo;
      lo.name = "lo";
      lo.rx_packets = 7;
      return std::vector<LinkStats>{lo};
    };
    seams.unix_time = [] { return 1700000000.5; };
    seams.elapsed_seconds = [] { return 0.25; };
    seams.write_stdout = [this](std::string_view text) { stdout_text += text; };
    seams.message = [this](std::string_view line) { messages.emplace_back(line); };
  }
};

Settings one_target() {
  Settings s;
  s.targets = {{"a", "192.0.2.1", Family::any, {}, "test", {}, {}, {}}};
  return s;
}

bool has_line(const std::string& text, std::string_view line) {
  return text.find(std::string("\n").append(line).append("\n")) != std::string::npos ||
         text.starts_with(std::string(line).append("\n"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(collect)

BOOST_AUTO_TEST_CASE(every_collector_works_exit_0_and_both_families_written) {
  ScopedTempDir dir;
  FakeRun run;
  BOOST_TEST(collect_and_publish(one_target(), dir.file("n.prom"), run.seams) == exit_status::kOk);
  std::string text = read_file(dir.file("n.prom"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="ping"} 1)"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="interfaces"} 1)"));
  BOOST_TEST(has_line(text, R"(netprom_ping_run_packets_received{dest="a"} 4)"));
  BOOST_TEST(has_line(text, R"(netprom_network_receive_packets_total{device="lo"} 7)"));
  BOOST_TEST(has_line(text, "netprom_run_timestamp_seconds 1700000000.5"));
  BOOST_TEST(run.messages.empty());
}

BOOST_AUTO_TEST_CASE(requests_cut_by_the_deadline_are_said_once_and_cost_nothing) {
  ScopedTempDir dir;
  FakeRun run;
  run.seams.ping = [](std::span<const TargetSpec> targets) {
    std::vector<PingResult> results(targets.size(), replies(2));
    results[0].unsent = 3;
    return results;
  };
  Settings s = one_target();
  s.targets.push_back({"b", "192.0.2.2", Family::any, {}, "test", {}, {}, {}});
  BOOST_TEST(collect_and_publish(s, dir.file("n.prom"), run.seams) == exit_status::kOk);
  BOOST_TEST(run.messages == std::vector<std::string>{"netprom: warning: deadline reached: 3 requests not sent"});
  std::string text = read_file(dir.file("n.prom"));
  BOOST_TEST(has_line(text, R"(netprom_ping_up{dest="a"} 1)"));
  BOOST_TEST(has_line(text, R"(netprom_ping_loss_ratio{dest="a"} 0)"));
}

BOOST_AUTO_TEST_CASE(a_failed_interface_collector_still_writes_the_file_with_success_0_and_exit_1) {
  ScopedTempDir dir;
  FakeRun run;
  run.seams.links = []() -> std::vector<LinkStats> { throw std::runtime_error("netlink said no"); };
  BOOST_TEST(collect_and_publish(one_target(), dir.file("n.prom"), run.seams) == exit_status::kFailed);
  std::string text = read_file(dir.file("n.prom"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="interfaces"} 0)"));
  BOOST_TEST(has_line(text, R"(netprom_ping_run_packets_received{dest="a"} 4)"));
  BOOST_TEST(text.find("netprom_network_") == std::string::npos);
  BOOST_REQUIRE(run.messages.size() == 1u);
  BOOST_TEST(run.messages[0] == "netprom: error: interfaces: netlink said no");
}

BOOST_AUTO_TEST_CASE(icmp_permission_is_77_and_wins_over_a_failed_interface_collector) {
  ScopedTempDir dir;
  FakeRun run;
  run.seams.ping = [](std::span<const TargetSpec>) -> std::vector<PingResult> {
    throw IcmpPermissionError("no ICMP socket");
  };
  run.seams.links = []() -> std::vector<LinkStats> { throw std::runtime_error("down"); };
  BOOST_TEST(collect_and_publish(one_target(), dir.file("n.prom"), run.seams) == exit_status::kNoPerm);
  std::string text = read_file(dir.file("n.prom"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="ping"} 0)"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="interfaces"} 0)"));
  BOOST_TEST(text.find("netprom_ping_packets") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_interface_pattern_that_matches_nothing_is_a_warning_not_an_error) {
  FakeRun run;
  Settings s = one_target();
  s.interface_include = "lo|eth";  // matches lo: no warning
  s.interface_exclude = "eth";     // matches nothing (whole names)
  BOOST_TEST(collect_and_publish(s, "-", run.seams) == exit_status::kOk);
  BOOST_TEST(run.messages == std::vector<std::string>{
                                 "netprom: warning: --interface-exclude 'eth' matches no interface on this host; "
                                 "patterns match the whole name ('eth.*' matches eth0, 'eth' does not)"},
             boost::test_tools::per_element());
  run.messages.clear();
  s.interface_include = "eth";
  s.interface_exclude = "l.";
  BOOST_TEST(collect_and_publish(s, "-", run.seams) == exit_status::kOk);
  BOOST_TEST(run.messages == std::vector<std::string>{
                                 "netprom: warning: --interface-include 'eth' matches no interface on this host; "
                                 "patterns match the whole name ('eth.*' matches eth0, 'eth' does not)"},
             boost::test_tools::per_element());
  BOOST_TEST(has_line(run.stdout_text, R"(netprom_collector_success{collector="interfaces"} 1)"));
}

BOOST_AUTO_TEST_CASE(no_destination_pings_the_default_targets) {
  FakeRun run;
  Settings s;
  s.no_interfaces = true;
  BOOST_TEST(collect_and_publish(s, "-", run.seams) == exit_status::kOk);
  BOOST_TEST(has_line(run.stdout_text, R"(netprom_ping_run_packets_sent{dest="gw"} 4)"));
}

BOOST_AUTO_TEST_CASE(a_failed_write_is_an_output_error_and_the_previous_file_stays) {
  ScopedTempDir dir;
  FakeRun run;
  BOOST_CHECK_THROW(collect_and_publish(one_target(), dir.file("missing/n.prom"), run.seams), OutputError);
}

BOOST_AUTO_TEST_CASE(history_accumulates_in_a_state_file_named_after_the_output) {
  ScopedTempDir dir;
  FakeRun run;
  Settings s = one_target();
  s.no_interfaces = true;
  s.state_dir = dir.file("state");
  for (int i = 0; i < 3; ++i) BOOST_TEST(collect_and_publish(s, dir.file("n.prom"), run.seams) == exit_status::kOk);
  std::string text = read_file(dir.file("n.prom"));
  BOOST_TEST(has_line(text, R"(netprom_ping_packets_sent_total{dest="a"} 12)"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="history"} 1)"));
  History h = parse_history(read_file(dir.file("state/n.prom.state")));
  BOOST_TEST(h.output == dir.file("n.prom"));
  BOOST_TEST(h.dests.at(0).sent == 12u);
}

BOOST_AUTO_TEST_CASE(two_outputs_sharing_a_state_dir_keep_their_own_totals) {
  ScopedTempDir dir;
  FakeRun run;
  Settings s = one_target();
  s.no_interfaces = true;
  s.state_dir = dir.file("state");
  collect_and_publish(s, dir.file("one.prom"), run.seams);
  collect_and_publish(s, dir.file("two.prom"), run.seams);
  collect_and_publish(s, dir.file("one.prom"), run.seams);
  BOOST_TEST(has_line(read_file(dir.file("one.prom")), R"(netprom_ping_packets_sent_total{dest="a"} 8)"));
  BOOST_TEST(has_line(read_file(dir.file("two.prom")), R"(netprom_ping_packets_sent_total{dest="a"} 4)"));
}

BOOST_AUTO_TEST_CASE(a_state_dir_without_parent_costs_the_history_only_exit_74) {
  ScopedTempDir dir;
  FakeRun run;
  Settings s = one_target();
  s.state_dir = dir.file("no/such/dir");
  BOOST_TEST(collect_and_publish(s, dir.file("n.prom"), run.seams) == exit_status::kHistory);
  std::string text = read_file(dir.file("n.prom"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="history"} 0)"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="ping"} 1)"));
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="interfaces"} 1)"));
  BOOST_TEST(text.find("_total{dest=") == std::string::npos);
  BOOST_TEST(text.find("netprom_ping_rtt_seconds") == std::string::npos);
  BOOST_REQUIRE(run.messages.size() == 1u);
  BOOST_TEST(run.messages[0] == "netprom: warning: cannot create state directory " + dir.file("no/such/dir") +
                                    ": No such file or directory; the cumulative series are left out of this run "
                                    "(exit 74)");
}

BOOST_AUTO_TEST_CASE(a_state_that_cannot_be_saved_publishes_no_cumulative_series_and_counters_never_go_down) {
  ScopedTempDir dir;
  FakeRun run;
  Settings s = one_target();
  s.no_interfaces = true;
  s.state_dir = dir.file("state");
  BOOST_TEST(collect_and_publish(s, dir.file("n.prom"), run.seams) == exit_status::kOk);  // total 4
  // The state file's name taken by a directory: the save fails (the lock does not).
  std::string saved = read_file(dir.file("state/n.prom.state"));
  ::unlink(dir.file("state/n.prom.state").c_str());
  ::mkdir(dir.file("state/n.prom.state").c_str(), 0755);
  BOOST_TEST(collect_and_publish(s, dir.file("n.prom"), run.seams) == exit_status::kHistory);
  std::string text = read_file(dir.file("n.prom"));
  BOOST_TEST(text.find("_total{dest=") == std::string::npos);
  BOOST_TEST(has_line(text, R"(netprom_collector_success{collector="history"} 0)"));
  // The state comes back; a smaller run adds to what was saved: 4 + 1, never below the 4 shown.
  ::rmdir(dir.file("state/n.prom.state").c_str());
  write_file(dir.file("state/n.prom.state"), saved);
  run.replies_per_run = 1;
  BOOST_TEST(collect_and_publish(s, dir.file("n.prom"), run.seams) == exit_status::kOk);
  BOOST_TEST(has_line(read_file(dir.file("n.prom")), R"(netprom_ping_packets_sent_total{dest="a"} 5)"));
}

BOOST_AUTO_TEST_CASE(the_state_is_saved_before_the_output_is_published) {
  ScopedTempDir dir;
  FakeRun run;
  Settings s = one_target();
  s.no_interfaces = true;
  s.state_dir = dir.file("state");
  // The output cannot be replaced (a directory took its name) after the lock is taken: the
  // state is saved all the same, and the next published file adds to it.
  ::mkdir(dir.file("n.prom").c_str(), 0755);
  BOOST_CHECK_THROW(collect_and_publish(s, dir.file("n.prom"), run.seams), OutputError);
  BOOST_TEST(parse_history(read_file(dir.file("state/n.prom.state"))).dests.at(0).sent == 4u);
}

BOOST_AUTO_TEST_CASE(a_failed_ping_collector_leaves_the_state_alone) {
  ScopedTempDir dir;
  FakeRun run;
  Settings s = one_target();
  s.state_dir = dir.file("state");
  collect_and_publish(s, dir.file("n.prom"), run.seams);
  std::string before = read_file(dir.file("state/n.prom.state"));
  run.seams.ping = [](std::span<const TargetSpec>) -> std::vector<PingResult> { throw std::runtime_error("x"); };
  BOOST_TEST(collect_and_publish(s, dir.file("n.prom"), run.seams) == exit_status::kFailed);
  BOOST_TEST(read_file(dir.file("state/n.prom.state")) == before);
  BOOST_TEST(has_line(read_file(dir.file("n.prom")), R"(netprom_collector_success{collector="history"} 0)"));
}

BOOST_AUTO_TEST_CASE(colour_only_for_a_terminal_without_no_color_or_a_dumb_term) {
  BOOST_TEST(use_colour("-", true, nullptr, "xterm"));
  BOOST_TEST(use_colour("-", true, "", "xterm"));
  BOOST_TEST(!use_colour("-", true, "1", "xterm"));
  BOOST_TEST(!use_colour("-", true, nullptr, "dumb"));
  BOOST_TEST(!use_colour("-", false, nullptr, "xterm"));
  BOOST_TEST(!use_colour("out.txt", true, nullptr, "xterm"));
}

BOOST_AUTO_TEST_SUITE_END()
