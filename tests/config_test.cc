// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "config.h"
#include "errors.h"
#include "targets.h"

using namespace netprom;

namespace {

// Parses config text and returns the ConfigError message, or "" when it parsed.
std::string config_error(std::string_view text) {
  try {
    parse_config(text, "n.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// merge_settings, then every target's own settings, as main does.
Settings merged(const ConfigFile& config, const CommandLine& cl) {
  Settings s = merge_settings(config, cl, std::nullopt);
  set_probe_settings(s, cl);
  return s;
}

Settings settings_from(std::string_view text, std::vector<const char*> argv = {"netprom"}) {
  ConfigFile config = parse_config(text, "n.toml");
  CommandLine cl = parse_command_line(static_cast<int>(argv.size()), argv.data());
  return merged(config, cl);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(every_option_has_a_config_key_and_values_are_applied) {
  Settings s = settings_from(R"(
count = 3
interval = 0.5
timeout = 1
deadline = 20
size = 100
ttl = 9
tos = 16
source = "fd00::1"
interface = "eth0"
rate = 1000
state_dir = "/var/lib/netprom"
buckets = [0.001, 0.01, 1]
no_interfaces = true
interface-include = "eth.*"
interface_exclude = "veth.*"
format = "table"
ipv6 = true
output = "/tmp/x.prom"
dont_fragment = true
)");
  BOOST_TEST(s.dont_fragment);
  BOOST_TEST(s.count == 3);
  BOOST_TEST(s.interval == 0.5);
  BOOST_TEST(s.timeout == 1.0);
  BOOST_TEST(s.deadline == 20.0);
  BOOST_TEST(s.size == 100);
  BOOST_TEST(*s.ttl == 9);
  BOOST_TEST(*s.tos == 16);
  BOOST_TEST(*s.source == "fd00::1");
  BOOST_TEST(*s.interface == "eth0");
  BOOST_TEST(*s.rate == 1000.0);
  BOOST_TEST(*s.state_dir == "/var/lib/netprom");
  BOOST_TEST(s.buckets == (std::vector<double>{0.001, 0.01, 1}), boost::test_tools::per_element());
  BOOST_TEST(s.no_interfaces);
  BOOST_TEST(*s.interface_include == "eth.*");
  BOOST_TEST(*s.interface_exclude == "veth.*");
  BOOST_TEST((s.format == OutputFormat::table));
  BOOST_TEST((s.family == Family::v6));
  BOOST_TEST(*s.output == "/tmp/x.prom");
}

BOOST_AUTO_TEST_CASE(command_line_wins_over_the_file) {
  Settings s = settings_from("count = 3\ninterval = 0.5\n", {"netprom", "--count", "7", "-4"});
  BOOST_TEST(s.count == 7);
  BOOST_TEST(s.interval == 0.5);
  BOOST_TEST((s.family == Family::v4));
}

BOOST_AUTO_TEST_CASE(targets_with_names_families_and_labels) {
  Settings s = settings_from(R"(
[[target]]
name = "gateway"
host = "192.168.1.1"
labels = { site = "home", rack = "a\"b" }
[[target]]
host = "example.net"
family = "ipv6"
)");
  BOOST_REQUIRE(s.targets.size() == 2u);
  BOOST_TEST(s.targets[0].name == "gateway");
  BOOST_TEST(s.targets[0].host == "192.168.1.1");
  BOOST_REQUIRE(s.targets[0].labels.size() == 2u);
  BOOST_TEST(s.targets[0].labels[0].second == "a\"b");  // TOML tables come sorted by key
  BOOST_TEST(s.targets[0].origin == "n.toml:2:1");
  BOOST_TEST(s.targets[1].name == "example.net");
  BOOST_TEST((s.targets[1].family == Family::v6));
}

BOOST_AUTO_TEST_CASE(command_line_destinations_replace_the_files_targets) {
  Settings s = settings_from("[[target]]\nhost = \"a\"\n", {"netprom", "b", "gw=c"});
  BOOST_REQUIRE(s.targets.size() == 2u);
  BOOST_TEST(s.targets[0].name == "b");
  BOOST_TEST(s.targets[1].name == "gw");
  BOOST_TEST(s.targets[1].host == "c");
}

BOOST_AUTO_TEST_CASE(unknown_key_names_line_column_and_suggests) {
  BOOST_TEST(config_error("count = 3\nintervall = 2\n") ==
             "n.toml:2:1: unknown key 'intervall', did you mean 'interval'?");
  BOOST_TEST(config_error("zzzzzz = 1\n") == "n.toml:1:1: unknown key 'zzzzzz'");
  BOOST_TEST(config_error("[[target]]\nhots = \"a\"\n") ==
             "n.toml:2:1: unknown key 'hots' in [[target]], did you mean 'host'?");
}

BOOST_AUTO_TEST_CASE(wrong_types_are_errors_with_position) {
  BOOST_TEST(config_error("count = \"5\"\n") == "n.toml:1:9: count must be a whole number");
  BOOST_TEST(config_error("count = 2.5\n") == "n.toml:1:9: count must be a whole number");
  BOOST_TEST(config_error("no_ping = 1\n") == "n.toml:1:11: no_ping must be true or false");
  BOOST_TEST(config_error("interval = \"1s\"\n") == "n.toml:1:12: interval must be a number");
  BOOST_TEST(config_error("buckets = [0.1, \"x\"]\n") == "n.toml:1:17: buckets must hold numbers only");
  BOOST_TEST(config_error("target = 3\n") == "n.toml:1:10: target must be an array of tables: write [[target]]");
}

BOOST_AUTO_TEST_CASE(out_of_range_numbers_are_errors) {
  BOOST_TEST(config_error("count = 0\n") == "n.toml:1:9: count must be a whole number from 1 to 10000, got 0");
  BOOST_TEST(config_error("interval = -1\n") ==
             "n.toml:1:12: interval must be a number of seconds from 0.001 to 3600, got -1");
  BOOST_TEST(config_error("size = 70000\n") == "n.toml:1:8: size must be a whole number from 12 to 65500, got 70000");
  BOOST_TEST(config_error("buckets = [0.2, 0.1]\n") == "n.toml:1:11: buckets bounds must increase, got 0.1 after 0.2");
  BOOST_TEST(config_error("format = \"json\"\n") == "n.toml:1:10: format must be one of prom|table, got 'json'");
  BOOST_TEST(config_error("source = \"host.example\"\n") ==
             "n.toml:1:10: source must be an IPv4 or IPv6 address, got 'host.example'");
  // RE2's own reasons; no length, group or repetition guards of netprom's (RE2 is linear).
  BOOST_TEST(config_error("interface_include = \"eth{40000}\"\n") ==
             "n.toml:1:21: interface_include is not a valid RE2 pattern: 'eth{40000}': invalid repetition size: {40000}");
  BOOST_TEST(config_error("interface_include = \"(\"\n") ==
             "n.toml:1:21: interface_include is not a valid RE2 pattern: '(': missing ): (");
  BOOST_TEST(config_error("interface_include = \"veth[0-9a-f]{1,8}|(?i)ETH\\\\d+\"\n") == "");
  BOOST_TEST(config_error("interface_exclude = \"" + std::string(101, '(') + std::string(101, ')') + "\"\n") == "");
}

BOOST_AUTO_TEST_CASE(bad_label_names_are_errors) {
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\nlabels = { \"1x\" = \"v\" }\n") ==
             "n.toml:3:19: label name '1x' must match [a-zA-Z_][a-zA-Z0-9_]*");
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\nlabels = { dest = \"v\" }\n") ==
             "n.toml:3:19: label name 'dest' is reserved: netprom sets it itself");
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\nlabels = { __x = \"v\" }\n").find("reserved") !=
             std::string::npos);
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\nlabels = { x = 1 }\n") == "n.toml:3:16: label 'x' must be a string");
}

BOOST_AUTO_TEST_CASE(duplicate_target_names_name_both_places) {
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\n[[target]]\nname = \"a\"\nhost = \"b\"\n") ==
             "n.toml:3:1: duplicate target name 'a' (first at n.toml:1:1); give each a distinct name");
}

BOOST_AUTO_TEST_CASE(target_without_host_or_with_bad_values_is_an_error) {
  BOOST_TEST(config_error("[[target]]\nname = \"x\"\n") == "n.toml:1:1: target has no host; add host = \"...\"");
  BOOST_TEST(config_error("[[target]]\nname = \"\"\nhost = \"a\"\n") == "n.toml:2:8: target name must not be empty");
  BOOST_TEST(config_error("[[target]]\nhost = \"a b\"\n") ==
             "n.toml:1:1: host 'a b' of target 'a b' is not a host name or address");
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\nfamily = \"ipx\"\n") ==
             "n.toml:3:10: family must be \"ipv4\", \"ipv6\" or \"any\"");
}

BOOST_AUTO_TEST_CASE(toml_syntax_errors_carry_line_and_column) {
  std::string e = config_error("count = 3\n[[target\n");
  BOOST_TEST(e.starts_with("n.toml:2:"));
  e = config_error("count = = 3\n");
  BOOST_TEST(e.starts_with("n.toml:1:"));
}

BOOST_AUTO_TEST_CASE(ipv4_and_ipv6_together_are_an_error) {
  BOOST_TEST(config_error("ipv4 = true\nipv6 = true\n") == "n.toml:2:8: ipv4 and ipv6 exclude each other; set one");
}

BOOST_AUTO_TEST_CASE(empty_file_gives_the_documented_defaults) {
  Settings s = settings_from("");
  BOOST_TEST(s.count == 5);
  BOOST_TEST(s.interval == 1.0);
  BOOST_TEST(s.timeout == 2.0);
  BOOST_TEST(s.deadline == 50.0);
  BOOST_TEST(s.size == 56);
  BOOST_TEST(!s.output.has_value());
  BOOST_TEST(s.targets.empty());
}

BOOST_AUTO_TEST_CASE(a_relative_targets_file_is_beside_the_config) {
  CommandLine none;
  BOOST_TEST(*merge_settings(parse_config("targets_file = \"list.txt\"\n", "/etc/np/n.toml"), none, std::nullopt)
                  .targets_file == "/etc/np/list.txt");
  BOOST_TEST(*merge_settings(parse_config("targets_file = \"/srv/l.txt\"\n", "/etc/np/n.toml"), none, std::nullopt)
                  .targets_file == "/srv/l.txt");
  BOOST_TEST(*merge_settings(parse_config("targets_file = \"-\"\n", "/etc/np/n.toml"), none, std::nullopt)
                  .targets_file == "-");
  BOOST_TEST(*merge_settings(parse_config("targets_file = \"l.txt\"\n", "n.toml"), none, std::nullopt)
                  .targets_file == "l.txt");
  ConfigFile config = parse_config("count = 2\n  targets_file = \"l.txt\"\n", "n.toml");
  BOOST_TEST(setting_origin(config, none, "targets-file") == "n.toml:2:18");
  BOOST_TEST(setting_origin(config, none, "interval") == "");
}

BOOST_AUTO_TEST_CASE(a_rule_broken_by_the_config_alone_is_a_config_error_at_its_line) {
  ConfigFile config = parse_config("count = 5\ninterval = 1\ndeadline = 1\n", "n.toml");
  CommandLine none;
  try {
    check_merged_settings(merged(config, none), config, none);
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "n.toml:3:12: deadline 1 s is shorter than the requests need ((count - 1) * interval + timeout = 6 s); "
               "raise deadline or lower count, interval or timeout");
  }
  // Only the count in the file: the deadline is the default, so the count's line decides.
  config = parse_config("count = 100\n", "n.toml");
  try {
    check_merged_settings(merged(config, none), config, none);
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()).starts_with("n.toml:1:9: deadline 50 s is shorter"));
  }
  std::vector<const char*> argv{"netprom", "-w", "1"};
  CommandLine cl = parse_command_line(static_cast<int>(argv.size()), argv.data());
  BOOST_CHECK_THROW(check_merged_settings(merged(config, cl), config, cl), UsageError);
}

constexpr std::string_view kPerTarget = R"(
count = 4
ttl = 9
[[target]]
name = "plain"
host = "198.18.0.2"
[[target]]
name = "own"
host = "198.18.0.3"
count = 2
interval = 0.25
timeout = 0.5
size = 1400
ttl = 3
tos = 184
source = "198.18.0.1"
interface = "veth1"
family = "ipv4"
dont_fragment = true
)";

BOOST_AUTO_TEST_CASE(per_target_settings_override_the_files_global_values) {
  const Settings s = settings_from(kPerTarget);
  const ProbeSettings& plain = s.targets[0].probe;
  BOOST_TEST(plain.count == 4);  // the file's global value
  BOOST_TEST(*plain.ttl == 9);
  BOOST_TEST(plain.interval == 1.0);  // the default
  BOOST_TEST(!plain.dont_fragment);
  const ProbeSettings& own = s.targets[1].probe;
  BOOST_TEST(own.count == 2);
  BOOST_TEST(own.interval == 0.25);
  BOOST_TEST(own.timeout == 0.5);
  BOOST_TEST(own.size == 1400);
  BOOST_TEST(*own.ttl == 3);
  BOOST_TEST(*own.tos == 184);
  BOOST_TEST(*own.source == "198.18.0.1");
  BOOST_TEST(*own.interface == "veth1");
  BOOST_TEST((own.family == Family::v4));
  BOOST_TEST(own.dont_fragment);
  BOOST_TEST(s.count == 4);  // the run's own values are untouched
  BOOST_TEST(!s.dont_fragment);
}

BOOST_AUTO_TEST_CASE(targets_get_their_settings_once_when_all_are_known) {
  // merge_settings leaves TargetSpec::probe alone; set_probe_settings sets it for every target,
  // also for those added after the merge (file_sd, mesh), in one pass.
  const ConfigFile config = parse_config(kPerTarget, "n.toml");
  std::vector<const char*> argv{"netprom", "-c", "3"};
  const CommandLine cl = parse_command_line(3, argv.data());
  Settings s = merge_settings(config, cl, std::nullopt);
  BOOST_REQUIRE(s.targets.size() == 2u);
  BOOST_TEST(s.targets[0].probe.count == ProbeSettings{}.count);
  BOOST_TEST(s.targets[1].probe.count == ProbeSettings{}.count);
  BOOST_TEST(!s.targets[1].probe.ttl.has_value());
  s.targets.push_back(parse_dest("late=198.18.0.9", "sd.json:1:2"));  // as add_target_sources does
  set_probe_settings(s, cl);
  for (const TargetSpec& t : s.targets) BOOST_TEST(t.probe.count == 3);
  BOOST_TEST(*s.targets[1].probe.ttl == 3);  // its own [[target]] setting
  BOOST_TEST(*s.targets[2].probe.ttl == 9);  // the file's run-wide value
}

BOOST_AUTO_TEST_CASE(a_literal_hosts_address_is_parsed_once_with_its_settings) {
  std::vector<const char*> argv{"netprom", "198.18.0.2", "v6=fd00::1%7", "dns=ns.example"};
  const CommandLine cl = parse_command_line(4, argv.data());
  Settings s = merge_settings({}, cl, std::nullopt);
  for (const TargetSpec& t : s.targets) BOOST_TEST(!t.address.has_value());  // not before
  set_probe_settings(s, cl);
  BOOST_REQUIRE(s.targets[0].address.has_value());
  BOOST_TEST(format_address(*s.targets[0].address) == "198.18.0.2");
  BOOST_REQUIRE(s.targets[1].address.has_value());
  BOOST_TEST((family_of(*s.targets[1].address) == Family::v6));
  BOOST_TEST(s.targets[1].address->v6.sin6_scope_id == 7u);
  BOOST_TEST(!s.targets[2].address.has_value());  // a name: looked up each run
}

BOOST_AUTO_TEST_CASE(the_command_line_wins_over_per_target_settings_too) {
  const Settings s = settings_from(kPerTarget, {"netprom", "-c", "1", "-M", "dont", "-6"});
  BOOST_TEST(s.targets[0].probe.count == 1);
  BOOST_TEST(s.targets[1].probe.count == 1);
  BOOST_TEST(!s.targets[1].probe.dont_fragment);
  BOOST_TEST(*s.targets[1].probe.ttl == 3);  // not on the command line: the target's own
  BOOST_TEST((s.targets[0].probe.family == Family::v6));
  BOOST_TEST((s.targets[1].probe.family == Family::v4));  // a target's own family wins, as before
}

BOOST_AUTO_TEST_CASE(per_target_key_errors_name_the_line_and_suggest) {
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\ncuont = 2\n") ==
             "n.toml:3:1: unknown key 'cuont' in [[target]], did you mean 'count'?");
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\ndont_fragmnet = true\n") ==
             "n.toml:3:1: unknown key 'dont_fragmnet' in [[target]], did you mean 'dont_fragment'?");
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\nttl = 0\n") ==
             "n.toml:3:7: ttl must be a whole number from 1 to 255, got 0");
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\ndont_fragment = \"do\"\n") ==
             "n.toml:3:17: dont_fragment must be true or false");
  // Run-wide settings stay global.
  BOOST_TEST(config_error("[[target]]\nhost = \"a\"\ndeadline = 5\n").starts_with(
      "n.toml:3:1: unknown key 'deadline' in [[target]]"));
}

BOOST_AUTO_TEST_CASE(the_deadline_check_uses_the_longest_per_target_plan) {
  const ConfigFile config = parse_config("deadline = 10\n[[target]]\nhost = \"a\"\n[[target]]\nhost = \"b\"\n"
                                         "count = 10\ninterval = 1.5\n", "n.toml");
  const CommandLine none = parse_command_line(1, std::vector<const char*>{"netprom"}.data());
  try {
    check_merged_settings(merged(config, none), config, none);
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "target 'b' (n.toml:4:1) needs (count - 1) * interval + timeout = 15.5 s, more than deadline 10 s; "
               "raise deadline or lower the target's count, interval or timeout");
  }
  // Its own error kind, not told by the message's wording.
  BOOST_CHECK_THROW(check_settings(merged(config, none)), TargetPlanError);
  std::vector<const char*> argv{"netprom", "-w", "12"};
  const CommandLine cl = parse_command_line(3, argv.data());
  BOOST_CHECK_THROW(check_merged_settings(merged(config, cl), config, cl), UsageError);
  argv = {"netprom", "-w", "16"};
  const CommandLine enough = parse_command_line(3, argv.data());
  check_merged_settings(merged(config, enough), config, enough);
}

BOOST_AUTO_TEST_CASE(a_run_wide_plan_error_is_no_target_plan_error) {
  const ConfigFile config = parse_config("deadline = 10\ncount = 20\n[[target]]\nhost = \"a\"\n", "n.toml");
  const CommandLine none = parse_command_line(1, std::vector<const char*>{"netprom"}.data());
  try {
    check_settings(merged(config, none));
    BOOST_FAIL("no error");
  } catch (const TargetPlanError&) {
    BOOST_FAIL("a target plan error for the run's own settings");
  } catch (const OptionValueError& e) {
    BOOST_TEST(std::string(e.what()).starts_with("--deadline 10 s is shorter than the requests need"));
  }
  try {
    check_merged_settings(merged(config, none), config, none);
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()).starts_with("n.toml:1:12: deadline 10 s is shorter than the requests need"));
  }
}

BOOST_AUTO_TEST_CASE(too_large_or_too_deep_is_a_config_error_not_a_crash) {
  // 150,000 levels of one dotted key (300 KB) overflowed toml++'s recursion.
  std::string dotted;
  for (int i = 0; i < 150000; ++i) dotted += "a.";
  BOOST_TEST(config_error(dotted + "b = 1\n") == "n.toml: line 1: a key with more than 64 dotted parts");
  BOOST_TEST(config_error("[" + dotted + "b]\n") == "n.toml: line 1: a key with more than 64 dotted parts");
  BOOST_TEST(config_error("x = 1\nt = { " + dotted + "b = 1 }\n") ==
             "n.toml: line 2: a key with more than 64 dotted parts");
  BOOST_TEST(config_error("buckets = " + std::string(100000, '[') + "\n") ==
             "n.toml: line 1: arrays or inline tables nested more than 64 deep");
  BOOST_TEST(config_error("labels = " + std::string(100000, '{') + "\n") ==
             "n.toml: line 1: arrays or inline tables nested more than 64 deep");
  BOOST_TEST(config_error(std::string(5 * 1024 * 1024, '#')) ==
             "n.toml: the file is 5242880 bytes, more than the 4194304 a config can need");
  // Dots and brackets in strings, comments and numbers are not nesting.
  std::string many_bounds = "buckets = [";
  for (int i = 1; i <= 64; ++i) many_bounds += std::to_string(i) + ".5, ";
  BOOST_TEST(config_error(many_bounds + "]\n") == "");
  BOOST_TEST(config_error("# " + dotted + std::string(100, '[') + "\n[[target]]\nhost = \"a.b.c.d.e\"\n"
                          "name = \"" + std::string(100, '[') + dotted + "\"\n") == "");
  BOOST_TEST(config_error("[[target]]\nhost = \"x.y\"\nlabels = { a = \"[{\\\"\" }\n") == "");
  BOOST_TEST(config_error("[[target]]\nhost = \"x.y\"\nname = '''\n" + std::string(100, '{') + "'''\n") == "");
}

BOOST_AUTO_TEST_CASE(constant_labels_from_the_config_and_the_command_line) {
  Settings s = settings_from("labels = { site = \"home\", rack = \"r1\" }\n",
                             {"netprom", "--label", "site=lab", "--label", "role=a,b=c"});
  BOOST_TEST((s.labels == std::vector<std::pair<std::string, std::string>>{
                              {"rack", "r1"}, {"site", "lab"}, {"role", "a,b=c"}}));
  BOOST_TEST(config_error("labels = { dest = \"x\" }\n") ==
             "n.toml:1:19: label name 'dest' is reserved: netprom sets it itself");
  BOOST_TEST(config_error("labels = { collector = \"x\" }\n") ==
             "n.toml:1:24: label name 'collector' is reserved: netprom sets it itself");
  BOOST_TEST(config_error("labels = { __x = \"x\" }\n") ==
             "n.toml:1:18: label name '__x' is reserved: names starting with '__' are Prometheus's own");
  BOOST_TEST(config_error("labels = { a = 1 }\n") == "n.toml:1:16: label 'a' must be a string");
  BOOST_TEST(config_error("labels = \"a=b\"\n") == "n.toml:1:10: labels must be a table, e.g. labels = { site = \"home\" }");
  // A target's own label of the same name would make a series with the label twice.
  try {
    settings_from("labels = { site = \"x\" }\n[[target]]\nhost = \"192.0.2.1\"\nlabels = { site = \"y\" }\n");
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "n.toml:2:1: target '192.0.2.1' has its own label 'site', which is also a constant label of the run");
  }
}

BOOST_AUTO_TEST_SUITE_END()
