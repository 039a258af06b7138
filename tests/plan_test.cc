// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "errors.h"
#include "plan.h"
#include "resolve.h"
#include "targets.h"

using namespace netprom;

namespace {

Settings with_output(std::optional<std::string> output, OutputFormat format = OutputFormat::prom) {
  Settings s;
  s.output = std::move(output);
  s.format = format;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plan)

BOOST_AUTO_TEST_CASE(a_configured_output_is_used_only_without_a_terminal) {
  const Settings s = with_output("/t/netprom.prom");
  OutputContext timer{"netprom.toml:1:10", "", false, false};
  BOOST_TEST(choose_output(s, timer).path == "/t/netprom.prom");
  BOOST_TEST((choose_output(s, timer).format == OutputFormat::prom));
  OutputContext person{"netprom.toml:1:10", "", true, true};
  BOOST_TEST(choose_output(s, person).path == "-");
  BOOST_TEST((choose_output(s, person).format == OutputFormat::table));
  person.stdout_is_terminal = false;  // netprom | less: a person, but a pipe gets the exposition
  BOOST_TEST(choose_output(s, person).path == "-");
  BOOST_TEST((choose_output(s, person).format == OutputFormat::prom));
}

BOOST_AUTO_TEST_CASE(output_on_the_command_line_wins_at_a_terminal) {
  const OutputContext c{"command line", "", true, true};
  BOOST_TEST(choose_output(with_output("/t/x.prom"), c).path == "/t/x.prom");
  BOOST_TEST((choose_output(with_output("/t/x.prom"), c).format == OutputFormat::prom));
  BOOST_TEST((choose_output(with_output("-"), c).format == OutputFormat::table));
}

BOOST_AUTO_TEST_CASE(no_output_anywhere_is_standard_output) {
  BOOST_TEST(choose_output(with_output(std::nullopt), OutputContext{"", "", false, false}).path == "-");
  BOOST_TEST((choose_output(with_output(std::nullopt), OutputContext{"", "", false, false}).format ==
              OutputFormat::prom));
  // A chosen format stays, terminal or not.
  BOOST_TEST((choose_output(with_output(std::nullopt), OutputContext{"", "command line", true, true}).format ==
              OutputFormat::prom));
  BOOST_TEST((choose_output(with_output(std::nullopt, OutputFormat::table),
                            OutputContext{"", "c.toml:2:10", false, false}).format == OutputFormat::table));
}

BOOST_AUTO_TEST_CASE(a_table_is_never_written_to_a_file) {
  const Settings s = with_output("/t/x.prom", OutputFormat::table);
  BOOST_CHECK_THROW(choose_output(s, OutputContext{"command line", "c.toml:2:10", false, false}), UsageError);
  BOOST_CHECK_THROW(choose_output(s, OutputContext{"c.toml:1:10", "command line", false, false}), UsageError);
  try {
    choose_output(s, OutputContext{"c.toml:1:10", "c.toml:2:10", false, false});
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "c.toml:2:10: format = \"table\": a table cannot be written to /t/x.prom (node_exporter reads only "
               "the prom format); remove it or the output");
  }
  // At a terminal the configured file is not used, so nothing conflicts.
  BOOST_TEST(choose_output(s, OutputContext{"c.toml:1:10", "c.toml:2:10", true, true}).path == "-");
}

BOOST_AUTO_TEST_CASE(a_source_address_chooses_the_family_of_names_and_gateways) {
  Settings s;
  BOOST_TEST((ping_family(s) == Family::any));
  s.source = "fd00::1";
  BOOST_TEST((ping_family(s) == Family::v6));
  s.source = "198.18.0.1";
  BOOST_TEST((ping_family(s) == Family::v4));
  s.family = Family::v6;  // -6 says otherwise (and check_source_family refuses literals)
  BOOST_TEST((ping_family(s) == Family::v6));
  const std::vector<Gateway> gateways{{Family::v4, *parse_address_literal("192.0.2.1")},
                                      {Family::v6, *parse_address_literal("fe80::1%1")}};
  BOOST_TEST(gateway_targets(gateways, Settings{}).size() == 2u);
  auto v6 = gateway_targets(gateways, s);
  BOOST_REQUIRE(v6.size() == 1u);
  BOOST_TEST(v6[0].name == "gateway-ipv6");
  // The route's address itself, scope included, not its text read back.
  BOOST_REQUIRE(v6[0].address.has_value());
  BOOST_TEST(same_host(*v6[0].address, gateways[1].address));
  BOOST_TEST(v6[0].address->v6.sin6_scope_id == 1u);
  s.family = Family::any;  // the source (198.18.0.1) alone decides
  BOOST_TEST(gateway_targets(gateways, s).at(0).host == "192.0.2.1");
  BOOST_TEST(gateway_targets(gateways, s).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
