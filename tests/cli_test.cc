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

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(short_and_long_options_and_destinations) {
  CommandLine cl = parse({"-n", "3", "--interval", "0.2", "-W", "1", "-o", "-", "127.0.0.1", "lo6=::1", "-6"});
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
  BOOST_TEST(usage_error({"--bogus"}) == "Option 'bogus' does not exist");
  BOOST_TEST(usage_error({"-4", "-6"}) == "-4 and -6 exclude each other; give one");
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
  Settings s = merge_settings({}, parse({"-n", "100"}), std::nullopt);
  BOOST_CHECK_THROW(check_settings(s), OptionValueError);
  s = merge_settings({}, parse({"-n", "100", "--deadline", "200"}), std::nullopt);
  BOOST_CHECK_NO_THROW(check_settings(s));
}

BOOST_AUTO_TEST_CASE(deadline_must_leave_room_for_the_rate) {
  // --rate 0.1 with 5 requests needs (5 - 1) / 0.1 + 2 = 42 s: more than a 20 s deadline.
  Settings s = merge_settings({}, parse({"--count", "5", "--rate", "0.1", "--deadline", "20", "198.18.0.2"}), std::nullopt);
  try {
    check_settings(s);
    BOOST_FAIL("no error");
  } catch (const OptionValueError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "--deadline 20 s is shorter than --rate 0.1 allows for 5 requests ((requests - 1) / rate + timeout "
               "= 42 s); raise --deadline or --rate, or lower --count");
  }
  // Two destinations share the rate: 10 requests at 1 a second need 9 + 2 = 11 s.
  s = merge_settings({}, parse({"--count", "5", "--rate", "1", "--deadline", "10", "a", "b"}), std::nullopt);
  BOOST_CHECK_THROW(check_settings(s), OptionValueError);
  s = merge_settings({}, parse({"--count", "5", "--rate", "1", "--deadline", "11", "a", "b"}), std::nullopt);
  BOOST_CHECK_NO_THROW(check_settings(s));
}

BOOST_AUTO_TEST_CASE(help_lists_every_option_of_the_table) {
  std::string help = help_text();
  for (const OptionDef& def : option_table()) BOOST_TEST(help.find("--" + std::string(def.name)) != std::string::npos);
  for (std::string_view o : {"--config", "--check", "--help", "--version", "whole name"})
    BOOST_TEST(help.find(o) != std::string::npos, o);
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

BOOST_AUTO_TEST_SUITE_END()
