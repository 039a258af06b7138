// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "collect.h"
#include "host_probe.h"

using namespace netprom;

BOOST_AUTO_TEST_SUITE(host_probe)

BOOST_AUTO_TEST_CASE(the_status_is_the_one_a_run_would_have) {
  HostFacts f;
  BOOST_TEST(plan_status(f) == exit_status::kOk);
  f.state_problem = "state directory /x is not writable: No such file or directory";
  BOOST_TEST(plan_status(f) == exit_status::kHistory);
  f.socket_problem = "cannot bind ICMP socket to interface nosuch0: No such device";
  BOOST_TEST(plan_status(f) == exit_status::kFailed);
  f.output_problem = "output directory /y is not writable: Read-only file system";
  BOOST_TEST(plan_status(f) == exit_status::kCantCreate);
  f.icmp_problem = "cannot open ICMP socket: Permission denied";
  BOOST_TEST(plan_status(f) == exit_status::kNoPerm);
  HostFacts routes;
  routes.gateway_problem = "cannot read the default gateways: boom";
  BOOST_TEST(plan_status(routes) == exit_status::kFailed);
}

BOOST_AUTO_TEST_CASE(facts_are_rendered_gateways_first_then_problems_then_the_status) {
  HostFacts f;
  f.gateways = {{"gateway", "192.0.2.1", Family::v4, {}, "default route", {}, {}, {}},
                {"gateway-ipv6", "fe80::1%eth0", Family::v6, {}, "default route", {}, {}, {}}};
  BOOST_TEST(render_host_facts(f, true) ==
             "default gateway: gateway -> 192.0.2.1\n"
             "default gateway: gateway-ipv6 -> fe80::1%eth0\n"
             "host: ready (a run would exit 0)\n");
  BOOST_TEST(render_host_facts(f, false) == "host: ready (a run would exit 0)\n");
  HostFacts none;
  none.output_problem = "output directory /y is not writable: Read-only file system";
  none.state_problem = "state directory /x is not writable: Permission denied";
  BOOST_TEST(render_host_facts(none, true) ==
             "default gateways: none (nothing to ping)\n"
             "problem: output directory /y is not writable: Read-only file system\n"
             "problem: state directory /x is not writable: Permission denied\n"
             "host: not ready (a run would exit 73)\n");
}

BOOST_AUTO_TEST_SUITE_END()
