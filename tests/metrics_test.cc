// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>

#include "history.h"
#include "metrics.h"
#include "options.h"

using namespace netprom;

namespace {

std::vector<std::string> lines_starting(const std::string& text, std::string_view prefix) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    if (line.starts_with(prefix)) out.push_back(line);
    pos = nl + 1;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(ping_results_become_families_with_rtt_only_when_replies_came) {
  std::vector<TargetSpec> targets{{"up\"host", "192.0.2.1", Family::any, {{"site", "a\nb"}}, "", {}, {}, {}},
                                  {"lost", "192.0.2.2", Family::any, {}, "", {}, {}, {}},
                                  {"nowhere.invalid", "nowhere.invalid", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping(3);
  ping[0] = {parse_address_literal("192.0.2.1"), 4, 3, 2, 1, 0, 0, {0.001, NAN, 0.003, 0.002}};
  ping[1] = {parse_address_literal("fd00::2"), 2, 0, 0, 0, 1, 0, {NAN, NAN}};
  ping[1].send_errors = 3;
  ping[1].errors_by_type[static_cast<std::size_t>(IcmpErrorType::time_exceeded)] = 1;
  ping[0].reply_ttl = 63;
  ping[2] = {};
  RunReport r;
  r.ping_enabled = r.ping_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  r.timestamp_seconds = 1700000000.5;
  r.duration_seconds = 2.25;
  r.version = "1.2.3";
  std::string text = render_metrics(r);

  const std::string l0 = R"({dest="up\"host",site="a\nb"})";
  BOOST_TEST(lines_starting(text, "netprom_ping_up{") ==
                 (std::vector<std::string>{"netprom_ping_up" + l0 + " 1", R"(netprom_ping_up{dest="lost"} 0)",
                                           R"(netprom_ping_up{dest="nowhere.invalid"} 0)"}),
             boost::test_tools::per_element());
  // The name gave an address (so "DNS broken" differs from "down", issue 16 item 7).
  BOOST_TEST(lines_starting(text, "netprom_ping_resolved{") ==
                 (std::vector<std::string>{"netprom_ping_resolved" + l0 + " 1", R"(netprom_ping_resolved{dest="lost"} 1)",
                                           R"(netprom_ping_resolved{dest="nowhere.invalid"} 0)"}),
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_ping_run_packets_sent{") ==
                 (std::vector<std::string>{"netprom_ping_run_packets_sent" + l0 + " 4",
                                           R"(netprom_ping_run_packets_sent{dest="lost"} 2)",
                                           R"(netprom_ping_run_packets_sent{dest="nowhere.invalid"} 0)"}),
             boost::test_tools::per_element());
  // Refused by the kernel: counted apart, not sent (issue 14 item 4).
  BOOST_TEST(lines_starting(text, "netprom_ping_run_send_errors{") ==
                 (std::vector<std::string>{"netprom_ping_run_send_errors" + l0 + " 0",
                                           R"(netprom_ping_run_send_errors{dest="lost"} 3)",
                                           R"(netprom_ping_run_send_errors{dest="nowhere.invalid"} 0)"}),
             boost::test_tools::per_element());
  BOOST_TEST(text.find("# HELP netprom_ping_run_send_errors Echo requests the kernel refused to send this run") !=
             std::string::npos);
  BOOST_TEST(lines_starting(text, "netprom_ping_loss_ratio{") ==
                 (std::vector<std::string>{"netprom_ping_loss_ratio" + l0 + " 0.25",
                                           R"(netprom_ping_loss_ratio{dest="lost"} 1)"}),
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_ping_rtt_min_seconds{") ==
                 std::vector<std::string>{"netprom_ping_rtt_min_seconds" + l0 + " 0.001"},
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_ping_rtt_avg_seconds{") ==
                 std::vector<std::string>{"netprom_ping_rtt_avg_seconds" + l0 + " 0.002"},
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_ping_run_packets_duplicate{").front() ==
             "netprom_ping_run_packets_duplicate" + l0 + " 2");
  BOOST_TEST(lines_starting(text, "netprom_ping_run_packets_late{").front() == "netprom_ping_run_packets_late" + l0 + " 1");
  // Every type for every destination, so that a rate or an alert never meets a missing series.
  const std::vector<std::string> errors = lines_starting(text, "netprom_ping_icmp_errors{");
  BOOST_TEST(errors.size() == 15u);
  std::vector<std::string> lost;
  std::copy_if(errors.begin(), errors.end(), std::back_inserter(lost),
               [](const std::string& line) { return line.starts_with(R"(netprom_ping_icmp_errors{dest="lost",)"); });
  BOOST_TEST(lost == (std::vector<std::string>{R"(netprom_ping_icmp_errors{dest="lost",type="destination_unreachable"} 0)",
                                               R"(netprom_ping_icmp_errors{dest="lost",type="time_exceeded"} 1)",
                                               R"(netprom_ping_icmp_errors{dest="lost",type="packet_too_big"} 0)",
                                               R"(netprom_ping_icmp_errors{dest="lost",type="parameter_problem"} 0)",
                                               R"(netprom_ping_icmp_errors{dest="lost",type="other"} 0)"}),
             boost::test_tools::per_element());
  BOOST_TEST(errors.front() == "netprom_ping_icmp_errors" + l0.substr(0, l0.size() - 1) + ",type=\"destination_unreachable\"} 0");
  // Reply TTL and jitter: only where a reply (a pair of consecutive replies) came; the one pair
  // here is 0.003 -> 0.002.
  BOOST_TEST(lines_starting(text, "netprom_ping_reply_ttl{") ==
                 std::vector<std::string>{"netprom_ping_reply_ttl" + l0 + " 63"},
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_ping_rtt_jitter_seconds{") ==
                 std::vector<std::string>{"netprom_ping_rtt_jitter_seconds" + l0 + " 0.001"},
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_ping_target_info{") ==
                 (std::vector<std::string>{
                     R"(netprom_ping_target_info{dest="up\"host",site="a\nb",address="192.0.2.1",family="ipv4"} 1)",
                     R"(netprom_ping_target_info{dest="lost",address="fd00::2",family="ipv6"} 1)"}),
             boost::test_tools::per_element());
  BOOST_TEST(text.find("netprom_collector_success{collector=\"ping\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("collector=\"interfaces\"") == std::string::npos);
  BOOST_TEST(text.find("netprom_run_timestamp_seconds 1700000000.5\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_run_duration_seconds 2.25\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_build_info{version=\"1.2.3\"} 1\n") != std::string::npos);
  BOOST_TEST(text.back() == '\n');
}

BOOST_AUTO_TEST_CASE(loss_ratio_of_one_in_five_prints_exactly_0_2) {
  std::vector<TargetSpec> targets{{"a", "a", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping{{parse_address_literal("192.0.2.1"), 5, 4, 0, 0, 0, 0, {0.1, 0.1, 0.1, 0.1, NAN}}};
  RunReport r;
  r.ping_enabled = r.ping_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  BOOST_TEST(render_metrics(r).find("netprom_ping_loss_ratio{dest=\"a\"} 0.2\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(interface_counters_use_proc_net_dev_columns_and_exact_u64) {
  std::vector<LinkStats> links(2);
  links[0].name = "lo";
  links[0].oper_up = true;
  links[0].rx_bytes = 18446744073709551615u;
  links[0].rx_drop = 7;
  links[0].tx_carrier = 9;
  links[0].mtu = 65536;
  links[0].carrier_changes = 4294967295u;
  links[1].name = "we\"ird\\name";
  links[1].mtu = 1400;  // and no IFLA_CARRIER_CHANGES: no sample rather than a made-up 0
  RunReport r;
  r.interfaces_enabled = r.interfaces_ok = true;
  r.links = links;
  std::string text = render_metrics(r);
  BOOST_TEST(lines_starting(text, "netprom_network_receive_bytes_total{") ==
                 (std::vector<std::string>{R"(netprom_network_receive_bytes_total{device="lo"} 18446744073709551615)",
                                           R"(netprom_network_receive_bytes_total{device="we\"ird\\name"} 0)"}),
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_network_receive_drop_total{").front() ==
             R"(netprom_network_receive_drop_total{device="lo"} 7)");
  BOOST_TEST(lines_starting(text, "netprom_network_transmit_carrier_total{").front() ==
             R"(netprom_network_transmit_carrier_total{device="lo"} 9)");
  BOOST_TEST(lines_starting(text, "netprom_network_up{") ==
                 (std::vector<std::string>{R"(netprom_network_up{device="lo"} 1)",
                                           R"(netprom_network_up{device="we\"ird\\name"} 0)"}),
             boost::test_tools::per_element());
  BOOST_TEST(lines_starting(text, "netprom_network_carrier_changes_total{") ==
                 std::vector<std::string>{R"(netprom_network_carrier_changes_total{device="lo"} 4294967295)"},
             boost::test_tools::per_element());
  BOOST_TEST(text.find("# TYPE netprom_network_carrier_changes_total counter\n") != std::string::npos);
  BOOST_TEST(lines_starting(text, "netprom_network_mtu_bytes{") ==
                 (std::vector<std::string>{R"(netprom_network_mtu_bytes{device="lo"} 65536)",
                                           R"(netprom_network_mtu_bytes{device="we\"ird\\name"} 1400)"}),
             boost::test_tools::per_element());
  BOOST_TEST(text.find("# TYPE netprom_network_mtu_bytes gauge\n") != std::string::npos);
  BOOST_TEST(text.find("# TYPE netprom_network_transmit_packets_total counter\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_ping_") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_failed_collector_reports_zero_and_no_samples) {
  RunReport r;
  r.ping_enabled = true;
  r.ping_ok = false;
  r.interfaces_enabled = true;
  r.interfaces_ok = true;
  std::string text = render_metrics(r);
  BOOST_TEST(text.find("netprom_collector_success{collector=\"ping\"} 0\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_collector_success{collector=\"interfaces\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_ping_up") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_family_has_exactly_one_help_and_type) {
  std::vector<TargetSpec> targets{{"a", "a", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping{{parse_address_literal("127.0.0.1"), 1, 1, 0, 0, 0, 0, {0.001}}};
  std::vector<LinkStats> links(1);
  RunReport r;
  r.ping_enabled = r.ping_ok = r.interfaces_enabled = r.interfaces_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  r.links = links;
  r.mesh = MeshCoverage{3, 2};
  std::string text = render_metrics(r);
  auto help = lines_starting(text, "# HELP ");
  auto type = lines_starting(text, "# TYPE ");
  BOOST_TEST(help.size() == type.size());
  std::set<std::string> names;
  for (const auto& h : help) names.insert(h.substr(7, h.find(' ', 7) - 7));
  BOOST_TEST(names.size() == help.size());
  BOOST_TEST(help.size() == 37u);  // 14 ping, 16 interface counters + up, 2 mesh, 4 about the run
}

BOOST_AUTO_TEST_CASE(no_gauge_is_named_like_a_counter_without_total) {
  // OpenMetrics (and Prometheus converting a scrape to it) reads NAME and NAME_total as one
  // family: a gauge netprom_ping_packets_sent beside the counter netprom_ping_packets_sent_total
  // would be two types under one name. Every family of a full run, history included.
  std::vector<TargetSpec> targets{{"a", "a", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping{{parse_address_literal("127.0.0.1"), 2, 1, 1, 1, 1, 0, {0.001, NAN}}};
  std::vector<LinkStats> links(1);
  History history = update_history({}, targets, ping, default_buckets());
  RunReport r;
  r.ping_enabled = r.ping_ok = r.interfaces_enabled = r.interfaces_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, &history);
  r.destinations = destinations;
  r.links = links;
  r.history = &history;
  std::string text = render_metrics(r);
  std::set<std::string> gauges, counters;
  for (const std::string& t : lines_starting(text, "# TYPE ")) {
    std::string name = t.substr(7, t.find(' ', 7) - 7);
    if (t.ends_with(" gauge")) gauges.insert(name);
    if (t.ends_with(" counter")) counters.insert(name);
  }
  BOOST_TEST(counters.count("netprom_ping_packets_sent_total") == 1u);  // the history is rendered
  BOOST_TEST(gauges.count("netprom_ping_run_packets_sent") == 1u);
  for (const std::string& c : counters) {
    BOOST_REQUIRE(c.ends_with("_total"));
    std::string base = c.substr(0, c.size() - 6);
    BOOST_TEST(gauges.count(base) == 0u, "gauge " << base << " clashes with counter " << c);
  }
}

BOOST_AUTO_TEST_CASE(constant_labels_go_on_every_series) {
  std::vector<TargetSpec> targets{{"a", "192.0.2.1", Family::any, {{"site", "x"}}, "", {}, {}, {}}};
  std::vector<PingResult> ping(1);
  ping[0] = {parse_address_literal("192.0.2.1"), 1, 1, 0, 0, 0, 0, {0.001}};
  std::vector<LinkStats> links(1);
  links[0].name = "lo";
  std::vector<std::pair<std::string, std::string>> constant{{"host", "h\"1"}, {"team", "net"}};
  RunReport r;
  r.ping_enabled = r.ping_ok = r.interfaces_enabled = r.interfaces_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  r.links = links;
  r.version = "1.0";
  r.constant_labels = constant;
  std::string text = render_metrics(r);
  const std::string c = R"(host="h\"1",team="net")";
  for (const std::string& line : lines_starting(text, "netprom_")) BOOST_TEST(line.find(c) != std::string::npos, line);
  BOOST_TEST(text.find("netprom_run_timestamp_seconds{" + c + "} ") != std::string::npos);
  BOOST_TEST(text.find("netprom_build_info{version=\"1.0\"," + c + "} 1\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_ping_up{dest=\"a\",site=\"x\"," + c + "} 1\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_network_up{device=\"lo\"," + c + "} 0\n") != std::string::npos);
  BOOST_TEST(text.find("netprom_collector_success{collector=\"ping\"," + c + "} 1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(path_mtu_is_a_gauge_of_bytes_only_where_one_was_found) {
  std::vector<TargetSpec> targets{{"v4", "198.18.1.2", Family::any, {}, "", {}, {}, {}},
                                  {"v6", "fd00:1::2", Family::any, {}, "", {}, {}, {}},
                                  {"dark", "198.18.9.9", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping(3);
  ping[0] = {parse_address_literal("198.18.1.2"), 1, 1, 0, 0, 0, 0, {0.001}};
  ping[0].path_mtu = 1400;
  ping[1] = {parse_address_literal("fd00:1::2"), 1, 1, 0, 0, 0, 0, {0.001}};
  ping[1].path_mtu = 1400;
  ping[2] = {parse_address_literal("198.18.9.9"), 1, 0, 0, 0, 0, 0, {NAN}};
  RunReport r;
  r.ping_enabled = r.ping_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  r.version = "1.0";
  const std::string text = render_metrics(r);
  BOOST_TEST(text.find("# TYPE netprom_ping_path_mtu_bytes gauge\n") != std::string::npos);
  BOOST_TEST(lines_starting(text, "netprom_ping_path_mtu_bytes{") ==
                 (std::vector<std::string>{R"(netprom_ping_path_mtu_bytes{dest="v4"} 1400)",
                                           R"(netprom_ping_path_mtu_bytes{dest="v6"} 1400)"}),
             boost::test_tools::per_element());
  // Without --pmtu (no value anywhere) the family is not there at all.
  for (PingResult& p : ping) p.path_mtu.reset();
  BOOST_TEST(render_metrics(r).find("path_mtu") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(mesh_coverage_only_with_a_mesh_and_even_without_ping) {
  RunReport r;
  r.version = "1.0";
  std::vector<std::pair<std::string, std::string>> constant{{"team", "net"}};
  r.constant_labels = constant;
  BOOST_TEST(render_metrics(r).find("netprom_mesh_") == std::string::npos);
  r.mesh = MeshCoverage{1000, 7};
  std::string text = render_metrics(r);
  BOOST_TEST(lines_starting(text, "netprom_mesh_") ==
                 (std::vector<std::string>{R"(netprom_mesh_members{team="net"} 1000)",
                                           R"(netprom_mesh_inbound_peers{team="net"} 7)"}),
             boost::test_tools::per_element());
  BOOST_TEST(text.find("# TYPE netprom_mesh_members gauge\n") != std::string::npos);
  BOOST_TEST(text.find("# TYPE netprom_mesh_inbound_peers gauge\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(destinations_join_each_target_to_its_result_and_totals_or_refuse) {
  std::vector<TargetSpec> targets{{"a", "192.0.2.1", Family::any, {}, "", {}, {}, {}},
                                  {"b", "192.0.2.2", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping(2);
  ping[1].sent = 7;
  History history = update_history({}, targets, ping, default_buckets());
  const std::vector<DestinationReport> d = destination_reports(targets, ping, &history);
  BOOST_REQUIRE(d.size() == 2u);
  BOOST_TEST(&d[1].target == &targets[1]);
  BOOST_TEST(&d[1].ping == &ping[1]);
  BOOST_TEST(d[1].totals == &history.dests[1]);
  BOOST_TEST(d[1].totals->sent == 7u);
  BOOST_TEST(!destination_reports(targets, ping, nullptr)[0].totals);
  // What could only be a bug upstream is refused, not rendered against the wrong destination.
  BOOST_CHECK_THROW(destination_reports(targets, std::span(ping).first(1), nullptr), std::logic_error);
  std::swap(history.dests[0], history.dests[1]);
  BOOST_CHECK_THROW(destination_reports(targets, ping, &history), std::logic_error);
  history.dests.pop_back();
  BOOST_CHECK_THROW(destination_reports(targets, ping, &history), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
