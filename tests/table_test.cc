// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "table.h"

using namespace netprom;

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
  std::vector<TargetSpec> targets{{"gw", "192.0.2.1", Family::any, {}, ""},
                                  {"a\nb", "x.invalid", Family::any, {}, ""}};
  std::vector<PingResult> ping(2);
  ping[0] = {true, "192.0.2.1", Family::v4, 4, 3, 1, 0, 0, 0, {0.001, NAN, 0.003, 0.002}};
  std::vector<LinkStats> links(1);
  links[0].name = "eth0";
  links[0].oper_up = true;
  links[0].rx_bytes = 2048;
  links[0].rx_packets = 3;
  RunReport r;
  r.ping_enabled = r.ping_ok = r.interfaces_enabled = r.interfaces_ok = true;
  r.targets = targets;
  r.ping = ping;
  r.links = links;
  std::string expected =
      "DESTINATION (ADDRESS)  SENT/RECV  LOSS  MIN ms  AVG ms  MAX ms   SDEV RTT\n"
      "gw (192.0.2.1)               4/3   25%   1.000   2.000   3.000  0.816 ▁×█▅ 1 dup\n"
      "a\\x0ab                       0/0     - name did not resolve\n"
      "\n"
      "DEVICE       LINK         RX  PACKETS  ERR  DROP         TX  PACKETS  ERR  DROP\n"
      "eth0         up      2.0 KiB        3    0     0        0 B        0    0     0\n";
  BOOST_TEST(render_table(r, false) == expected);
  std::string colored = render_table(r, true);
  BOOST_TEST(colored.find("\033[33m  25%\033[0m") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
