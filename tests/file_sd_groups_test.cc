// SPDX-License-Identifier: MIT
#include "file_sd_groups.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "errors.h"

using namespace netprom;

namespace {

// "text@where" per target, "name=value@where" per label, group by group.
std::vector<std::string> summary(const std::vector<RawGroup>& groups) {
  std::vector<std::string> out;
  for (const RawGroup& g : groups) {
    for (const RawTarget& t : g.targets) out.push_back(t.text + "@" + t.where);
    for (const RawLabel& l : g.labels) out.push_back(l.name + "=" + l.value + "@" + l.where);
    out.push_back("--");
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_sd_groups)

BOOST_AUTO_TEST_CASE(json_groups_are_read_as_written_with_positions) {
  const auto groups = parse_file_sd_groups(
      "[{\"targets\": [\"a:80\", \"[fd00::1]:9\"], \"labels\": {\"__meta\": \"x\", \"name\": \"\"}},\n"
      " {\"labels\": {\"site\": \"fra\"}, \"targets\": null}]",
      "sd.json");
  // Nothing is split, dropped or checked here: that is file_sd.cc's part.
  BOOST_TEST(summary(groups) == (std::vector<std::string>{"a:80@sd.json:1:15", "[fd00::1]:9@sd.json:1:23",
                                                           "__meta=x@sd.json:1:50", "name=@sd.json:1:65", "--",
                                                           "site=fra@sd.json:2:14", "--"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(yaml_groups_are_read_as_written_with_positions) {
  const auto groups = parse_file_sd_groups("- targets: [a, 'b:1']\n  labels:\n    port: 80\n", "sd.yml");
  BOOST_TEST(summary(groups) ==
                 (std::vector<std::string>{"a@sd.yml:1:13", "b:1@sd.yml:1:16", "port=80@sd.yml:3:5", "--"}),
             boost::test_tools::per_element());
  BOOST_TEST(parse_file_sd_groups("", "sd.yaml").empty());  // an empty document is no groups
}

BOOST_AUTO_TEST_CASE(the_format_comes_from_the_file_ending) {
  try {
    parse_file_sd_groups("[]", "sd.txt");
    BOOST_FAIL("no exception");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "sd.txt: cannot tell the file_sd format: the file name must end in .json, .yml or .yaml");
  }
  try {
    parse_file_sd_groups("[{\"targets\": [\"a\"], \"targets\": []}]", "sd.json");
    BOOST_FAIL("no exception");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) == "sd.json:1:21: key 'targets' is repeated");
  }
}

BOOST_AUTO_TEST_SUITE_END()
