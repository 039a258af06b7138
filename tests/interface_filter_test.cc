// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

#include "cli.h"
#include "errors.h"
#include "interface_filter.h"

using namespace netprom;

BOOST_AUTO_TEST_SUITE(interface_filter)

BOOST_AUTO_TEST_CASE(no_patterns_keep_everything) {
  InterfaceFilter f(std::nullopt, std::nullopt);
  BOOST_TEST(f.keep("lo"));
  BOOST_TEST(f.keep(""));
}

BOOST_AUTO_TEST_CASE(patterns_match_the_whole_name) {
  InterfaceFilter f(std::string("eth[0-9]+|en.*"), std::string("veth.*"));
  BOOST_TEST(f.keep("eth0"));
  BOOST_TEST(f.keep("enp3s0"));
  BOOST_TEST(!f.keep("eth"));       // include needs the whole name: "eth" is not eth[0-9]+
  BOOST_TEST(!f.keep("xeth0"));     // not a search: nothing before
  BOOST_TEST(!f.keep("eth0.100"));  // nor after
  BOOST_TEST(!f.keep("lo"));
  InterfaceFilter only_exclude(std::nullopt, std::string("veth.*"));
  BOOST_TEST(!only_exclude.keep("veth12ab"));
  BOOST_TEST(only_exclude.keep("aveth"));  // exclude is whole-name too
}

BOOST_AUTO_TEST_CASE(re2_syntax_case_insensitive_flag_and_classes) {
  InterfaceFilter f(std::string("(?i)ETH\\d+"), std::nullopt);
  BOOST_TEST(f.keep("eth0"));
  BOOST_TEST(f.keep("Eth12"));
  BOOST_TEST(!f.keep("wlan0"));
  InterfaceFilter unicode(std::string("\\pL+0"), std::nullopt);
  BOOST_TEST(unicode.keep("caf\xc3\xa9" "0"));
}

BOOST_AUTO_TEST_CASE(nested_stars_match_in_linear_time) {
  // With std::regex this pattern backtracked for longer than any deadline on a 15-byte name.
  // RE2 has no backtracking: the answer comes in one pass over the name.
  InterfaceFilter f(std::nullopt, std::string("((.*)*)*z"));
  BOOST_TEST(f.keep("aaaaaaaaaaaaaaa"));
  BOOST_TEST(f.keep(std::string(100000, 'a')));
  std::string long_z(100000, 'a');
  long_z.push_back('z');  // not `string + "z"`: GCC 12 at -O2 warns falsely (-Warray-bounds) there
  BOOST_TEST(!f.keep(long_z));
}

BOOST_AUTO_TEST_CASE(a_bad_pattern_is_refused_with_re2s_reason) {
  BOOST_CHECK_THROW(InterfaceFilter(std::string("("), std::nullopt), std::invalid_argument);
  BOOST_TEST(interface_pattern_problem("(") == "missing ): (");
  BOOST_TEST(interface_pattern_problem("a{2000}") == "invalid repetition size: {2000}");
  BOOST_TEST(interface_pattern_problem("veth.*") == "");
  // Perl's backreferences are not RE2: a clear error, not a slow match.
  BOOST_TEST(interface_pattern_problem("(a)\\1") == "invalid escape sequence: \\1");
}

BOOST_AUTO_TEST_CASE(a_bad_pattern_on_the_command_line_names_the_option) {
  std::vector<const char*> argv{"netprom", "--interface-exclude", "eth[0-"};
  try {
    parse_command_line(static_cast<int>(argv.size()), argv.data());
    BOOST_FAIL("no error");
  } catch (const UsageError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "--interface-exclude is not a valid RE2 pattern: 'eth[0-': missing ]: [0-");
  }
}

BOOST_AUTO_TEST_SUITE_END()
