// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "table.h"

using namespace netprom;

namespace {

// The widest line of a rendered table in columns: one per code point (UTF-8 continuation
// bytes do not count).
std::size_t widest_line(std::string_view table) {
  std::size_t widest = 0;
  for (std::size_t start = 0, end; start < table.size(); start = end + 1) {
    end = table.find('\n', start);
    const std::string_view line = table.substr(start, end - start);
    widest = std::max<std::size_t>(
        widest, static_cast<std::size_t>(std::count_if(line.begin(), line.end(), [](char ch) { return (ch & 0xc0) != 0x80; })));
  }
  return widest;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(table)

BOOST_AUTO_TEST_CASE(sparkline_scales_between_fastest_and_slowest_and_marks_losses) {
  BOOST_TEST(render_sparkline({0.001, 0.002, NAN, 0.008}, 10) == "▁▂×█");
  BOOST_TEST(render_sparkline({0.005, 0.005}, 10) == "▁▁");
  BOOST_TEST(render_sparkline({NAN, NAN}, 10) == "××");
  BOOST_TEST(render_sparkline({}, 10) == "");
}

BOOST_AUTO_TEST_CASE(sparkline_groups_requests_beyond_its_width) {
  std::vector<double> rtt(20, 0.001);
  rtt[19] = 0.010;
  rtt[0] = NAN;
  // 20 requests in 10 cells: pairs; the first pair lost one of two, the last holds the slowest.
  BOOST_TEST(render_sparkline(rtt, 10) == "╳▁▁▁▁▁▁▁▁█");
}

BOOST_AUTO_TEST_CASE(table_without_color_is_plain_aligned_text) {
  std::vector<TargetSpec> targets{{"gw", "192.0.2.1", Family::any, {}, "", {}, {}, {}},
                                  {"a\nb", "x.invalid", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping(2);
  ping[0] = {parse_address_literal("192.0.2.1"), 4, 3, 1, 0, 0, 0, {0.001, NAN, 0.003, 0.002}};
  ping[0].reply_ttl = 63;
  std::vector<LinkStats> links(1);
  links[0].name = "eth0";
  links[0].oper_up = true;
  links[0].rx_bytes = 2048;
  links[0].rx_packets = 3;
  RunReport r;
  r.ping_enabled = r.ping_ok = r.interfaces_enabled = r.interfaces_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  r.links = links;
  std::string expected =
      "DESTINATION        SENT/RECV  LOSS TTL  MIN ms  AVG ms  MAX ms   SDEV RTT\n"
      "gw (192.0.2.1)           4/3   25%  63   1.000   2.000   3.000  0.816 ▁×█▅ 1 dup\n"
      "a\\x0ab                   0/0     - name did not resolve\n"
      "\n"
      "DEVICE       LINK         RX  PACKETS  ERR  DROP         TX  PACKETS  ERR  DROP\n"
      "eth0         up      2.0 KiB        3    0     0        0 B        0    0     0\n";
  BOOST_TEST(render_table(r, false) == expected);
  std::string colored = render_table(r, true);
  BOOST_TEST(colored.find("\033[33m  25%\033[0m") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(interface_names_that_are_not_utf8_are_shown_escaped) {
  std::vector<LinkStats> links(1);
  links[0].name = "v\xff\x01";
  RunReport r;
  r.interfaces_enabled = r.interfaces_ok = true;
  r.links = links;
  std::string table = render_table(r, false);
  BOOST_TEST(table.find("v\\xff\\x01 ") != std::string::npos, table);
  BOOST_TEST(table.find('\xff') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(big_interface_counters_keep_the_table_within_80_columns) {
  // A busy host's counters: exact while they fit their column, then k/M/G/T/P/E.
  std::vector<LinkStats> links(3);
  links[0].name = "lo";
  links[0].oper_up = true;
  links[0].rx_bytes = links[0].tx_bytes = 12290031301u;
  links[0].rx_packets = links[0].tx_packets = 121257705u;  // 9 digits in an 8-wide column
  links[1].name = "eth0";
  links[1].rx_packets = 99999999u;  // 8 digits: still exact
  links[1].rx_errs = 9999u;
  links[1].rx_drop = 123456u;
  links[1].tx_errs = 10000u;
  links[1].tx_drop = 99999u;
  links[1].tx_packets = 999999999u;  // 999.999999M rounds up: 1.0G, not 1000.0M
  links[2].name = "max";
  links[2].rx_bytes = links[2].tx_bytes = links[2].rx_packets = links[2].tx_packets = links[2].rx_errs =
      links[2].tx_errs = links[2].rx_drop = links[2].tx_drop = 18446744073709551615u;
  RunReport r;
  r.interfaces_enabled = r.interfaces_ok = true;
  r.links = links;
  const std::string expected =
      "DEVICE       LINK         RX  PACKETS  ERR  DROP         TX  PACKETS  ERR  DROP\n"
      "lo           up     11.4 GiB   121.3M    0     0   11.4 GiB   121.3M    0     0\n"
      "eth0         down        0 B 99999999 9999  123k        0 B     1.0G  10k 99999\n"
      "max          down   16.0 EiB    18.4E  18E 18.4E   16.0 EiB    18.4E  18E 18.4E\n";
  const std::string table = render_table(r, false);
  BOOST_TEST(table == expected);
  BOOST_TEST(widest_line(table) <= 80u);
}

BOOST_AUTO_TEST_CASE(long_counts_slow_replies_and_notes_keep_the_table_within_80_columns) {
  std::vector<TargetSpec> targets{{"a-rather-long-destination-name", "192.0.2.1", Family::any, {}, "", {}, {}, {}},
                                  {"slow", "192.0.2.2", Family::any, {}, "", {}, {}, {}},
                                  {"dups", "192.0.2.3", Family::any, {}, "", {}, {}, {}}};
  std::vector<PingResult> ping(3);
  ping[0] = {parse_address_literal("192.0.2.1"), 10000, 10000, 0, 0, 0, 0, std::vector<double>(10000, 0.001)};
  ping[1] = {parse_address_literal("192.0.2.2"), 2, 2, 0, 0, 0, 0, {0.5, 3599.5}};
  ping[2] = {parse_address_literal("192.0.2.3"), 10, 10, 12, 0, 3, 0, std::vector<double>(10, 0.002)};
  ping[2].last_error.emplace(IcmpErrorType::time_exceeded, "198.18.1.2");
  ping[2].reply_ttl = 255;
  RunReport r;
  r.ping_enabled = r.ping_ok = true;
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  const std::string expected =
      "DESTINATION        SENT/RECV  LOSS TTL  MIN ms  AVG ms  MAX ms   SDEV RTT\n"
      "a-rather-long-destination-name (192.0.2.1)\n"
      "                 10000/10000    0%   -   1.000   1.000   1.000  0.000 ▁▁▁▁▁▁▁▁▁▁\n"
      "slow (192.0.2.2)         2/2    0%   - 500.000 1800000 3599500 1799500 ▁█\n"
      "dups (192.0.2.3)       10/10    0% 255   2.000   2.000   2.000  0.000 ▁▁▁▁▁▁▁▁▁▁\n"
      "                              12 dup 3 icmp err (From 198.18.1.2: time exceeded)\n";
  const std::string table = render_table(r, false);
  BOOST_TEST(table == expected);
  BOOST_TEST(widest_line(table) <= 80u);
}

BOOST_AUTO_TEST_CASE(sparkline_spans_at_least_half_the_slowest_reply) {
  BOOST_TEST(render_sparkline({0.002211, 0.002247, 0.002230}, 10) == "▁▁▁");  // 36 us of 2.2 ms: flat
  BOOST_TEST(render_sparkline({0.002, 0.004}, 10) == "▁█");                    // twice as slow: full height
  BOOST_TEST(render_sparkline({0.003, 0.004}, 10) == "▁▅");  // 1 ms over a span of 2 ms: level 4 of 0 to 7
}

BOOST_AUTO_TEST_CASE(ascii_only_without_a_utf8_locale) {
  BOOST_TEST(render_sparkline({0.001, 0.002, NAN, 0.008}, 10, false) == "_.x#");
  std::vector<double> rtt(20, 0.001);
  rtt[0] = NAN;
  BOOST_TEST(render_sparkline(rtt, 10, false) == "X_________");
  RunReport r;
  r.ping_enabled = r.ping_ok = r.interfaces_enabled = r.interfaces_ok = true;
  const std::vector<TargetSpec> targets{{"a", "192.0.2.1", Family::any, {}, "", {}, {}, {}}};
  const std::vector<PingResult> ping{{parse_address_literal("192.0.2.1"), 3, 2, 0, 0, 0, 0, {0.001, NAN, 0.002}}};
  std::vector<LinkStats> links(1);
  links[0].name = "vethlongname123";
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  r.links = links;
  const std::string table = render_table(r, false, false);
  BOOST_TEST(std::all_of(table.begin(), table.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }),
             table);
}

BOOST_AUTO_TEST_CASE(long_names_and_devices_are_never_cut_and_late_replies_show) {
  RunReport r;
  r.ping_enabled = r.ping_ok = r.interfaces_enabled = r.interfaces_ok = true;
  const std::vector<TargetSpec> targets{{"fd00:1234:5678:9abc:def0::1", "fd00:1234:5678:9abc:def0::1", Family::any, {}, "", {}, {}, {}},
                                        {"fd00:1234:5678:9abc:def0::2", "fd00:1234:5678:9abc:def0::2", Family::any, {}, "", {}, {}, {}}};
  const std::vector<PingResult> ping{{parse_address_literal("fd00:1234:5678:9abc:def0::1"), 2, 1, 0, 1, 0, 0, {0.001, NAN}},
                                     {parse_address_literal("fd00:1234:5678:9abc:def0::2"), 2, 2, 0, 0, 0, 0, {0.001, 0.001}}};
  std::vector<LinkStats> links(2);
  links[0].name = "vethlongname123";
  links[1].name = "vethlongname124";
  const std::vector<DestinationReport> destinations = destination_reports(targets, ping, nullptr);
  r.destinations = destinations;
  r.links = links;
  const std::string table = render_table(r, false);
  const std::string expected =
      "DESTINATION        SENT/RECV  LOSS TTL  MIN ms  AVG ms  MAX ms   SDEV RTT\n"
      "fd00:1234:5678:9abc:def0::1\n"
      "                         2/1   50%   -   1.000   1.000   1.000  0.000 ▁× 1 late\n"
      "fd00:1234:5678:9abc:def0::2\n"
      "                         2/2    0%   -   1.000   1.000   1.000  0.000 ▁▁\n"
      "\n"
      "DEVICE       LINK         RX  PACKETS  ERR  DROP         TX  PACKETS  ERR  DROP\n"
      "vethlongname123\n"
      "             down        0 B        0    0     0        0 B        0    0     0\n"
      "vethlongname124\n"
      "             down        0 B        0    0     0        0 B        0    0     0\n";
  BOOST_TEST(table == expected);
  BOOST_TEST(widest_line(table) <= 80u);
}

BOOST_AUTO_TEST_SUITE_END()
