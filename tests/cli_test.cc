// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "cli.h"
#include "config.h"
#include "errors.h"
#include "targets.h"

using namespace netprom;

namespace {

CommandLine parse(std::vector<const char*> argv) {
  argv.insert(argv.begin(), "netprom");
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string usage_error(std::vector<const char*> argv) {
  try {
    parse(std::move(argv));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

// merge_settings, then every target's own settings, as main does.
Settings merged(const CommandLine& cl) {
  Settings s = merge_settings({}, cl, std::nullopt);
  set_probe_settings(s, cl);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(short_and_long_options_and_destinations) {
  CommandLine cl = parse({"-c", "3", "--interval", "0.2", "-W", "1", "-o", "-", "127.0.0.1", "lo6=::1", "-6"});
  Settings s = merge_settings({}, cl, std::nullopt);
  BOOST_TEST(s.count == 3);
  BOOST_TEST(s.interval == 0.2);
  BOOST_TEST(s.timeout == 1.0);
  BOOST_TEST(*s.output == "-");
  BOOST_TEST((s.family == Family::v6));
  BOOST_REQUIRE(s.targets.size() == 2u);
  BOOST_TEST(s.targets[1].name == "lo6");
  BOOST_TEST(s.targets[1].host == "::1");
}

BOOST_AUTO_TEST_CASE(out_of_range_values_are_usage_errors_with_the_range) {
  BOOST_TEST(usage_error({"--count", "0"}) == "--count must be a whole number from 1 to 10000, got 0");
  BOOST_TEST(usage_error({"--count", "1000000000"}) ==
             "--count must be a whole number from 1 to 10000, got 1000000000");
  BOOST_TEST(usage_error({"--count", "5x"}) == "--count must be a whole number from 1 to 10000, got '5x'");
  BOOST_TEST(usage_error({"--interval=-1"}) == "--interval must be a number of seconds from 0.001 to 3600, got -1");
  BOOST_TEST(usage_error({"--size", "70000"}) == "--size must be a whole number from 12 to 65500, got 70000");
  BOOST_TEST(usage_error({"--ttl", "256"}) == "--ttl must be a whole number from 1 to 255, got 256");
  BOOST_TEST(usage_error({"--format", "json"}) == "--format must be one of prom|table, got 'json'");
  BOOST_TEST(usage_error({"--buckets", "0.1,,1"}) == "--buckets must be comma-separated seconds, got '0.1,,1'");
  BOOST_TEST(usage_error({"--interface", "a/b"}).starts_with("--interface must be an interface name"));
}

BOOST_AUTO_TEST_CASE(unknown_option_is_a_plain_ascii_usage_error) {
  BOOST_TEST(usage_error({"--bogus"}) == "unknown option '--bogus'");
  BOOST_TEST(usage_error({"-x"}) == "unknown option '-x'");
  BOOST_TEST(usage_error({"-4", "-6"}) == "-4 and -6 exclude each other; give one");
  BOOST_TEST(usage_error({"-46"}) == "-4 and -6 exclude each other; give one");
}

BOOST_AUTO_TEST_CASE(a_misspelt_long_option_gets_did_you_mean) {
  BOOST_TEST(usage_error({"--intervall", "1"}) == "unknown option '--intervall', did you mean '--interval'?");
  BOOST_TEST(usage_error({"--interval-exclude=x"}) ==
             "unknown option '--interval-exclude', did you mean '--interface-exclude'?");
  BOOST_TEST(usage_error({"--cuont=3"}) == "unknown option '--cuont', did you mean '--count'?");
  BOOST_TEST(usage_error({"--chek"}) == "unknown option '--chek', did you mean '--check'?");
  BOOST_TEST(usage_error({"--help=yes"}) == "--help takes no value");
}

BOOST_AUTO_TEST_CASE(ping_letters) {
  CommandLine cl = parse({"-c", "3", "-i", "0.5", "-W", "0.25", "-w", "9", "-s", "100", "-t", "7", "-Q", "16",
                          "-I", "lo", "-4", "-f", "list.txt", "--config", "x.toml"});
  Settings s = merge_settings({}, cl, std::nullopt);
  BOOST_TEST(s.count == 3);
  BOOST_TEST(s.interval == 0.5);
  BOOST_TEST(s.timeout == 0.25);
  BOOST_TEST(s.deadline == 9.0);
  BOOST_TEST(s.size == 100);
  BOOST_TEST(*s.ttl == 7);
  BOOST_TEST(*s.tos == 16);
  BOOST_TEST(*s.interface == "lo");
  BOOST_TEST((s.family == Family::v4));
  BOOST_TEST(*s.targets_file == "list.txt");
  BOOST_TEST(*cl.config_path == "x.toml");
  // The old letters are gone: -c is the count, not the config file, and -n is nothing.
  BOOST_TEST(usage_error({"-c", "x.toml"}) == "--count must be a whole number from 1 to 10000, got 'x.toml'");
  BOOST_TEST(usage_error({"-n", "3"}) == "unknown option '-n'");
}

BOOST_AUTO_TEST_CASE(values_attached_or_apart_and_grouped_flags) {
  CommandLine cl = parse({"-i0.2", "-W0.5", "-c3", "-f/tmp/list", "-w12.5", "-s1400", "-t64", "-Q16", "-4I", "lo",
                          "127.0.0.1"});
  Settings s = merge_settings({}, cl, std::nullopt);
  BOOST_TEST(s.interval == 0.2);
  BOOST_TEST(s.timeout == 0.5);
  BOOST_TEST(s.count == 3);
  BOOST_TEST(*s.targets_file == "/tmp/list");
  BOOST_TEST(s.deadline == 12.5);
  BOOST_TEST(s.size == 1400);
  BOOST_TEST(*s.ttl == 64);
  BOOST_TEST(*s.tos == 16);
  BOOST_TEST((s.family == Family::v4));
  BOOST_TEST(*s.interface == "lo");
  BOOST_TEST(cl.dests == std::vector<std::string>{"127.0.0.1"});
  // A value may start with '-' (it gets the range message), '-' alone is standard input, and
  // words after "--" are destinations.
  BOOST_TEST(usage_error({"-i", "-1"}) == "--interval must be a number of seconds from 0.001 to 3600, got -1");
  BOOST_TEST(usage_error({"-i-1"}) == "--interval must be a number of seconds from 0.001 to 3600, got -1");
  BOOST_TEST(*merge_settings({}, parse({"-f", "-"}), std::nullopt).targets_file == "-");
  BOOST_TEST(*merge_settings({}, parse({"-o-"}), std::nullopt).output == "-");
  BOOST_TEST((parse({"--", "a=127.0.0.1"}).dests == std::vector<std::string>{"a=127.0.0.1"}));
  BOOST_TEST(usage_error({"-c"}) == "-c needs a value");
  BOOST_TEST(usage_error({"--count"}) == "--count needs a value");
  BOOST_TEST(usage_error({"-4x"}) == "unknown option '-x'");
}

BOOST_AUTO_TEST_CASE(normalized_arguments_are_long_with_attached_values) {
  std::vector<const char*> argv{"netprom", "-4c3", "-i", "0.2", "--output", "-", "--no-ping", "h", "--", "-x"};
  std::vector<std::string> want{"--ipv4", "--count=3", "--interval=0.2", "--output=-", "--no-ping", "h", "--", "-x"};
  BOOST_TEST(normalize_arguments(static_cast<int>(argv.size()), argv.data()) == want);
}

BOOST_AUTO_TEST_CASE(duplicate_destinations_are_usage_errors) {
  CommandLine cl = parse({"a", "x=b", "x=c"});
  try {
    merge_settings({}, cl, std::nullopt);
    BOOST_FAIL("no error");
  } catch (const UsageError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "argument 3: duplicate target name 'x' (first at argument 2); give each a distinct name");
  }
}

BOOST_AUTO_TEST_CASE(deadline_must_leave_room_for_the_requests) {
  Settings s = merged(parse({"-c", "100"}));
  BOOST_CHECK_THROW(check_settings(s), OptionValueError);
  s = merged(parse({"-c", "100", "-w", "200"}));
  BOOST_CHECK_NO_THROW(check_settings(s));
}

BOOST_AUTO_TEST_CASE(deadline_must_leave_room_for_the_rate) {
  // check_settings()'s message, or "" when it accepts the settings.
  auto problem = [](const Settings& s) -> std::string {
    try {
      check_settings(s);
    } catch (const OptionValueError& e) {
      return e.what();
    }
    return "";
  };
  // --rate 0.1 with 5 requests needs (5 - 1) / 0.1 + 2 = 42 s: more than a 20 s deadline.
  Settings s = merged(parse({"--count", "5", "--rate", "0.1", "--deadline", "20", "198.18.0.2"}));
  BOOST_TEST(problem(s) ==
             "--deadline 20 s is shorter than --rate 0.1 allows for 5 requests ((requests - 1) / rate + timeout "
             "= 42 s); raise --deadline or --rate, or lower --count");
  // Two destinations share the rate: 10 requests at 1 a second need 9 + 2 = 11 s.
  s = merged(parse({"--count", "5", "--rate", "1", "--deadline", "10", "a", "b"}));
  BOOST_TEST(!problem(s).empty());
  s = merged(parse({"--count", "5", "--rate", "1", "--deadline", "11", "a", "b"}));
  BOOST_TEST(problem(s) == "");
  // The last request may be any destination's: a [[target]] timeout of 5 s needs 9 + 5 = 14 s.
  s.targets[0].probe.timeout = 5;
  BOOST_TEST(problem(s) ==
             "--deadline 11 s is shorter than --rate 1 allows for 10 requests ((requests - 1) / rate + the longest "
             "timeout = 14 s); raise --deadline or --rate, or lower --count");
}

BOOST_AUTO_TEST_CASE(help_lists_every_option_of_the_table) {
  std::string help = help_text();
  for (const OptionDef& def : option_table()) BOOST_TEST(help.find("--" + std::string(def.name)) != std::string::npos);
  for (std::string_view o : {"--config", "--check", "--help", "--version", "whole name"})
    BOOST_TEST(help.find(o) != std::string::npos, o);
}

BOOST_AUTO_TEST_CASE(help_fits_80_columns_with_no_trailing_spaces) {
  std::string help = help_text();
  BOOST_TEST(help.ends_with("\n"));
  std::size_t start = 0, line_no = 0;
  while (start < help.size()) {
    std::size_t nl = help.find('\n', start);
    std::string_view line(help.data() + start, nl - start);
    ++line_no;
    BOOST_TEST(line.size() <= 80u, "line " << line_no << " has " << line.size() << " columns: " << line);
    BOOST_TEST(!line.ends_with(' '), "line " << line_no << " ends in a space: [" << line << "]");
    start = nl + 1;
  }
  BOOST_TEST(line_no > 20u);
}

BOOST_AUTO_TEST_CASE(targets_file_skips_comments_and_names_bad_lines) {
  auto t = parse_targets_file("# routers\n gw=192.0.2.1  # home\n\n::1\n", "t.txt");
  BOOST_REQUIRE(t.size() == 2u);
  BOOST_TEST(t[0].name == "gw");
  BOOST_TEST(t[0].origin == "t.txt:2:2");
  BOOST_TEST(t[1].host == "::1");
  try {
    parse_targets_file("a\nb c\n", "t.txt");
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) == "t.txt:2:1: one destination a line, got 'b c'");
  }
}

BOOST_AUTO_TEST_CASE(targets_file_byte_order_mark_is_not_part_of_the_first_name) {
  auto t = parse_targets_file("\xef\xbb\xbfgw=192.0.2.1\nb\n", "t.txt");
  BOOST_REQUIRE(t.size() == 2u);
  BOOST_TEST(t[0].name == "gw");
  BOOST_TEST(t[0].host == "192.0.2.1");
  // Only at the very start: elsewhere it is U+FEFF, part of a name like any other.
  BOOST_TEST(parse_targets_file("a\n\xef\xbb\xbf" "b\n", "t.txt")[1].name == "\xef\xbb\xbf" "b");
}

BOOST_AUTO_TEST_CASE(target_names_must_be_valid_utf8_label_values) {
  BOOST_CHECK_NO_THROW(parse_dest("caf\xc3\xa9=a", "x"));
  BOOST_CHECK_NO_THROW(parse_dest("a\"b\\c\nd=a", "x"));
  try {
    parse_dest("\xff\xfe=a", "x");
    BOOST_FAIL("no error");
  } catch (const OptionValueError& e) {
    BOOST_TEST(std::string(e.what()) == "target name is not a valid label value: label values must be valid UTF-8");
  }
  BOOST_CHECK_THROW(parse_dest("\xc0\xaf=a", "x"), OptionValueError);  // overlong '/'
  BOOST_CHECK_THROW(parse_dest("=a", "x"), OptionValueError);
}

BOOST_AUTO_TEST_CASE(closest_key_suggests_only_near_misses) {
  std::vector<std::string> keys{"interval", "interface", "count"};
  BOOST_TEST(closest_key("intervall", keys) == "interval");
  BOOST_TEST(closest_key("cuont", keys) == "count");
  BOOST_TEST(closest_key("zzzz", keys) == "");
}

BOOST_AUTO_TEST_CASE(malformed_address_literals_are_refused_not_resolved) {
  auto problem = [](std::string_view dest) -> std::string {
    try {
      parse_dest(dest, "x");
    } catch (const OptionValueError& e) {
      return e.what();
    }
    return "";
  };
  BOOST_TEST(problem("300.1.1.1") ==
             "host '300.1.1.1' is not an IPv4 address (an all-numeric dotted name is never a host name)");
  BOOST_TEST(problem("1.2.3") == "host '1.2.3' is not an IPv4 address (an all-numeric dotted name is never a host name)");
  BOOST_TEST(problem("127.0.0.1:80") == "host '127.0.0.1:80' is not an IPv6 address (ICMP has no ports)");
  BOOST_TEST(problem("fe80::1%") == "host 'fe80::1%' has an empty %zone");
  BOOST_TEST(problem("gw=10.0.0.1%eth0") == "host '10.0.0.1%eth0' of target 'gw': only an IPv6 address may carry a %zone");
  for (std::string_view ok : {"1.2.3.4", "::1", "fe80::1%eth0", "host-1.example", "1.2.3.example", "1e100.net"})
    BOOST_TEST(problem(ok) == "", ok);
}

BOOST_AUTO_TEST_CASE(family_and_zone_checked_against_the_settings) {
  auto no_interfaces = [](const std::string&) { return false; };
  std::vector<TargetSpec> cli{parse_dest("::1", "argument 1")};
  BOOST_CHECK_NO_THROW(check_destinations(cli, Family::any, no_interfaces));
  BOOST_CHECK_NO_THROW(check_destinations(cli, Family::v6, no_interfaces));
  try {
    check_destinations(cli, Family::v4, no_interfaces);
    BOOST_FAIL("no error");
  } catch (const UsageError& e) {
    BOOST_TEST(std::string(e.what()) == "destination '::1': host '::1' is an IPv6 address, but -4 (ipv4) asks for IPv4 only");
  }
  std::vector<TargetSpec> file{parse_dest("gw=fe80::1%nosuch", "t.txt:3:1")};
  try {
    check_destinations(file, Family::any, no_interfaces);
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) == "t.txt:3:1: host 'fe80::1%nosuch' of target 'gw': no interface 'nosuch' on this host");
  }
  BOOST_CHECK_NO_THROW(check_destinations(file, Family::any, [](const std::string& n) { return n == "nosuch"; }));
  BOOST_CHECK_NO_THROW(check_destinations({parse_dest("fe80::1%2", "x")}, Family::any, no_interfaces));
  BOOST_CHECK_NO_THROW(check_destinations({parse_dest("name.example", "argument 1")}, Family::v6, no_interfaces));
}

BOOST_AUTO_TEST_CASE(a_destination_of_the_other_family_than_the_source_is_refused) {
  std::vector<TargetSpec> cli{parse_dest("a=198.18.0.2", "argument 1"), parse_dest("name.example", "argument 2")};
  BOOST_CHECK_NO_THROW(check_source_family(cli, "198.18.0.1", false));
  try {
    check_source_family(cli, "fd00::1", false);
    BOOST_FAIL("no error");
  } catch (const UsageError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "destination '198.18.0.2': host '198.18.0.2' of target 'a' is an IPv4 address, but --source fd00::1 is "
               "IPv6; ping each family in a run of its own with a source of that family, or leave out --source");
  }
  TargetSpec named = parse_dest("dns=ns.example", "c.toml:4:1");
  named.family = Family::v6;
  BOOST_CHECK_NO_THROW(check_source_family({named}, "fd00::1", false));
  try {
    check_source_family({named}, "198.18.0.1", false);
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "c.toml:4:1: host 'ns.example' of target 'dns' is of family IPv6, but --source 198.18.0.1 is IPv4; "
               "ping each family in a run of its own with a source of that family, or leave out --source");
  }
  BOOST_CHECK_THROW(check_source_family({named}, "198.18.0.1", true), UsageError);
  BOOST_TEST((literal_family("fe80::1%eth0") == Family::v6));
  BOOST_TEST((literal_family("1.2.3.example") == Family::any));
}

BOOST_AUTO_TEST_CASE(labels_that_prometheus_overwrites_are_refused) {
  BOOST_TEST(constant_label_problem("job=x") ==
             "label name 'job' is set by Prometheus when it scrapes (yours would become 'exported_job'); choose "
             "another name, e.g. 'site' or 'role'");
  BOOST_TEST(scrape_label_problem("instance") != "");
  BOOST_TEST(scrape_label_problem("site") == "");
  BOOST_TEST(constant_label_problem("jobs=x") == "");
}

BOOST_AUTO_TEST_CASE(no_ping_with_no_interfaces_has_nothing_to_do) {
  Settings s;
  s.no_ping = s.no_interfaces = true;
  try {
    check_settings(s);
    BOOST_FAIL("no error");
  } catch (const OptionValueError& e) {
    BOOST_TEST(std::string(e.what()) == "--no-ping with --no-interfaces leaves nothing to do; drop one of them");
  }
  s.no_interfaces = false;
  BOOST_CHECK_NO_THROW(check_settings(s));
}

BOOST_AUTO_TEST_CASE(a_targets_file_without_destinations_is_an_error) {
  for (std::string_view text : {"", "# only\n\n  # comments\n", "\n\n"}) {
    try {
      parse_targets_file(text, "t.txt");
      BOOST_FAIL("no error");
    } catch (const ConfigError& e) {
      BOOST_TEST(std::string(e.what()) == "t.txt: no destinations, only blank lines and comments; give one DEST a line");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
