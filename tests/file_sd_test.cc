// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "errors.h"
#include "file_sd.h"

using namespace netprom;

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// The ConfigError message parse_file_sd() throws for `text`, or "" when it parsed.
std::string file_sd_error(std::string_view text, std::string_view path = "sd.json") {
  try {
    parse_file_sd(text, path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// "name host origin" per target, for compact comparisons.
std::vector<std::string> summary(const std::vector<TargetSpec>& targets) {
  std::vector<std::string> lines;
  for (const TargetSpec& t : targets) lines.push_back(t.name + " " + t.host + " " + t.origin);
  return lines;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_sd)

// The targets.json of Prometheus's guide "Use file-based service discovery to discover scrape
// targets" (prometheus.io/docs/guides/file-sd/), byte for byte.
BOOST_AUTO_TEST_CASE(the_file_of_prometheus_guide_is_read) {
  auto targets = parse_file_sd(R"([
  {
    "labels": {
      "job": "node"
    },
    "targets": [
      "localhost:9100"
    ]
  }
]
)",
                               "targets.json");
  BOOST_REQUIRE(targets.size() == 1u);
  BOOST_TEST(targets[0].name == "localhost");
  BOOST_TEST(targets[0].host == "localhost");
  BOOST_TEST((targets[0].family == Family::any));
  BOOST_TEST((targets[0].labels == Labels{{"job", "node"}}));
  BOOST_TEST(targets[0].origin == "targets.json:7:7");
}

// Prometheus's own test files, discovery/file/fixtures/target_groups.{json,yml}: the same
// groups in both formats.
BOOST_AUTO_TEST_CASE(prometheus_fixtures_in_json_and_yaml_give_the_same_targets) {
  auto json = parse_file_sd("[\n\t{\n\t\t\"targets\": [\"localhost:9090\", \"example.org:443\"],\n\t\t\"labels\": {\n"
                            "\t\t\t\"foo\": \"bar\"\n\t\t}\n\t},\n\t{\n\t\t\"targets\": [\"my.domain\"]\n\t}\n]\n",
                            "fixtures/target_groups.json");
  auto yaml = parse_file_sd("- targets: ['localhost:9090', 'example.org:443']\n  labels:\n    foo: bar\n\n"
                            "- targets: ['my.domain']\n",
                            "fixtures/target_groups.yml");
  BOOST_TEST(summary(json) == (std::vector<std::string>{"localhost localhost fixtures/target_groups.json:3:15",
                                                        "example.org example.org fixtures/target_groups.json:3:33",
                                                        "my.domain my.domain fixtures/target_groups.json:9:15"}),
             boost::test_tools::per_element());
  BOOST_TEST(summary(yaml) == (std::vector<std::string>{"localhost localhost fixtures/target_groups.yml:1:13",
                                                        "example.org example.org fixtures/target_groups.yml:1:31",
                                                        "my.domain my.domain fixtures/target_groups.yml:5:13"}),
             boost::test_tools::per_element());
  for (const auto* targets : {&json, &yaml}) {
    BOOST_REQUIRE(targets->size() == 3u);
    BOOST_TEST(((*targets)[0].labels == Labels{{"foo", "bar"}}));
    BOOST_TEST(((*targets)[1].labels == Labels{{"foo", "bar"}}));
    BOOST_TEST((*targets)[2].labels.empty());
  }
  BOOST_TEST(parse_file_sd("- targets: [a]\n", "x.yaml").size() == 1u);
}

BOOST_AUTO_TEST_CASE(ports_are_dropped_and_ipv6_is_taken_in_brackets_or_bare) {
  auto targets = parse_file_sd(R"([{"targets": ["[fd00::1]:80", "fd00::2", "[::1]", "198.18.0.1:9100",
    "[fe80::1%eth0]:9100", "router.example:0", "plain", "fd42::1:80"]}])",
                               "sd.json");
  std::vector<std::string> hosts;
  for (const TargetSpec& t : targets) hosts.push_back(t.host);
  BOOST_TEST(hosts == (std::vector<std::string>{"fd00::1", "fd00::2", "::1", "198.18.0.1", "fe80::1%eth0",
                                                "router.example", "plain", "fd42::1:80"}),
             boost::test_tools::per_element());
  for (const TargetSpec& t : targets) BOOST_TEST(t.name == t.host);
  BOOST_TEST(targets[1].origin == "sd.json:1:31");
  BOOST_TEST(targets[4].origin == "sd.json:2:5");
}

BOOST_AUTO_TEST_CASE(meta_labels_are_dropped_name_is_the_dest_and_labels_come_sorted) {
  for (auto [text, path] : {std::pair{R"([{"targets": ["198.18.0.1:9100"], "labels": {"zone": "b", "__meta_x": "y",
      "__address__": "z:1", "name": "gw", "app": "ping", "empty": ""}}])",
                                      "sd.json"},
                            std::pair{"- targets: [198.18.0.1:9100]\n  labels:\n    zone: b\n    __meta_x: y\n"
                                      "    __address__: z:1\n    name: gw\n    app: ping\n    empty: ''\n",
                                      "sd.yaml"}}) {
    auto targets = parse_file_sd(text, path);
    BOOST_REQUIRE(targets.size() == 1u);
    BOOST_TEST(targets[0].name == "gw");
    BOOST_TEST(targets[0].host == "198.18.0.1");
    BOOST_TEST((targets[0].labels == Labels{{"app", "ping"}, {"zone", "b"}}));
  }
  // An empty name is no name (Prometheus treats an empty label as absent): the host is the dest.
  auto unnamed = parse_file_sd(R"([{"targets": ["h1"], "labels": {"name": ""}}])", "sd.json");
  BOOST_TEST(unnamed.at(0).name == "h1");
}

BOOST_AUTO_TEST_CASE(label_values_are_any_utf8_and_yaml_scalars_are_strings) {
  auto json = parse_file_sd(R"([{"targets": ["a"], "labels": {"city": "M\u00fcnchen \"Nord\"", "x": "1"}}])", "sd.json");
  BOOST_TEST((json.at(0).labels == Labels{{"city", "M\xc3\xbcnchen \"Nord\""}, {"x", "1"}}));
  auto yaml = parse_file_sd("- targets: [a]\n  labels: {port: 80, on: yes, ratio: 1.5, city: M\xc3\xbcnchen}\n", "sd.yml");
  BOOST_TEST((yaml.at(0).labels == Labels{{"city", "M\xc3\xbcnchen"}, {"on", "yes"}, {"port", "80"}, {"ratio", "1.5"}}));
}

BOOST_AUTO_TEST_CASE(empty_lists_groups_and_null_members_give_no_targets) {
  BOOST_TEST(parse_file_sd("[]", "sd.json").empty());
  BOOST_TEST(parse_file_sd(R"([{}, {"targets": null, "labels": null}, {"targets": [], "labels": {"a": "b"}}])", "sd.json").empty());
  BOOST_TEST(parse_file_sd("", "sd.yml").empty());  // as Prometheus reads an empty YAML file
  BOOST_TEST(parse_file_sd("# nothing yet\n", "sd.yml").empty());
  BOOST_TEST(parse_file_sd("- targets:\n  labels:\n", "sd.yml").empty());
  // Only the first YAML document counts, as in Prometheus.
  BOOST_TEST(parse_file_sd("- targets: [a]\n---\n- targets: [b]\n", "sd.yml").size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_format_comes_from_the_file_name) {
  BOOST_TEST(file_sd_error("[]", "targets.txt") ==
             "targets.txt: cannot tell the file_sd format: the file name must end in .json, .yml or .yaml");
  BOOST_TEST(file_sd_error("[]", "targets.JSON") ==
             "targets.JSON: cannot tell the file_sd format: the file name must end in .json, .yml or .yaml");
  // YAML text in a .json file is a JSON syntax error, not quietly read as YAML.
  BOOST_TEST(file_sd_error("- targets: [a]\n", "sd.json") ==
             "sd.json:1:2: syntax error while parsing value - invalid number; expected digit after '-'; last read: '- '");
}

BOOST_AUTO_TEST_CASE(json_syntax_errors_name_line_and_column) {
  BOOST_TEST(file_sd_error(R"([{"targets": ["a",]}])") ==
             "sd.json:1:19: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal");
  BOOST_TEST(file_sd_error("") ==
             "sd.json:1:1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal");
  BOOST_TEST(file_sd_error("[]\nx") ==
             "sd.json:2:1: syntax error while parsing value - invalid literal; last read: '[]<U+000A>x'; expected end of input");
  BOOST_TEST(file_sd_error("[{\"targets\": [\"a\"], \"labels\": {\"v\": \"\xff\"}}]") ==
             "sd.json:1:38: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xff'");
}

BOOST_AUTO_TEST_CASE(yaml_syntax_errors_name_line_and_column) {
  BOOST_TEST(file_sd_error("- targets: [a, b\n", "sd.yml") == "sd.yml:2:1: end of sequence flow not found");
  BOOST_TEST(file_sd_error(std::string(600, '[') + std::string(600, ']'), "sd.yml") ==
             "sd.yml:1:1: values are nested too deeply for the YAML parser");
}

BOOST_AUTO_TEST_CASE(wrong_shapes_are_named_where_they_are) {
  const std::string group = R"(each target group is {"targets": [...], "labels": {...}})";
  const std::string forms = "a target is host, host:port or [v6]:port";
  BOOST_TEST(file_sd_error(R"({"targets": []})") ==
             "sd.json:1:1: the file must be a list of target groups, got an object; " + group);
  BOOST_TEST(file_sd_error(R"([null])") == "sd.json:1:2: a target group must be an object, got null; " + group);
  BOOST_TEST(file_sd_error(R"([["a"]])") == "sd.json:1:2: a target group must be an object, got a list; " + group);
  BOOST_TEST(file_sd_error(R"([{"targets": "a"}])") == "sd.json:1:14: 'targets' must be a list of strings, got a string");
  BOOST_TEST(file_sd_error(R"([{"targets": {}}])") == "sd.json:1:14: 'targets' must be a list of strings, got an object");
  BOOST_TEST(file_sd_error(R"([{"targets": [42]}])") == "sd.json:1:15: each target must be a string, got a number; " + forms);
  BOOST_TEST(file_sd_error(R"([{"targets": ["a", -1.5e3 ]}])") ==
             "sd.json:1:20: each target must be a string, got a number; " + forms);
  BOOST_TEST(file_sd_error(R"([{"targets": [true]}])") == "sd.json:1:15: each target must be a string, got a boolean; " + forms);
  BOOST_TEST(file_sd_error(R"([{"targets": [["a"]]}])") == "sd.json:1:15: each target must be a string, got a list; " + forms);
  BOOST_TEST(file_sd_error(R"([{"labels": []}])") ==
             "sd.json:1:13: 'labels' must be an object of label names to string values, got a list");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "labels": {"port": 80}}])") ==
             "sd.json:1:40: label 'port' must have a string value, got a number");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "labels": {"port": null}}])") ==
             "sd.json:1:40: label 'port' must have a string value, got null");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "labels": {"x": {"y": "z"}}}])") ==
             "sd.json:1:37: label 'x' must have a string value, got an object");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "label": {}}])") ==
             "sd.json:1:21: unknown key 'label' in a target group; " + group);
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "targets": ["b"]}])") == "sd.json:1:21: key 'targets' is repeated");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "labels": {"x": "1", "x": "2"}}])") ==
             "sd.json:1:42: label 'x' is repeated");

  BOOST_TEST(file_sd_error("targets: [a]\n", "sd.yml") == "sd.yml:1:1: the file must be a list of target groups; " + group);
  BOOST_TEST(file_sd_error("- a\n", "sd.yml") == "sd.yml:1:3: a target group must be a mapping; " + group);
  BOOST_TEST(file_sd_error("- targets: a\n", "sd.yml") == "sd.yml:1:12: 'targets' must be a list of strings");
  BOOST_TEST(file_sd_error("- targets:\n  - [a]\n", "sd.yml") == "sd.yml:2:5: each target must be a string; " + forms);
  BOOST_TEST(file_sd_error("- targets: [a]\n  labels: [x]\n", "sd.yml") ==
             "sd.yml:2:11: 'labels' must be a mapping of label names to string values");
  BOOST_TEST(file_sd_error("- targets: [a]\n  labels:\n    x: [1]\n", "sd.yml") ==
             "sd.yml:3:8: label 'x' must have a string value");
  BOOST_TEST(file_sd_error("- targets: [a]\n  labels:\n    x:\n", "sd.yml") == "sd.yml:3:5: label 'x' must have a string value");
  BOOST_TEST(file_sd_error("- targets: [a]\n  labels:\n    x: 1\n    x: 2\n", "sd.yml") == "sd.yml:4:5: label 'x' is repeated");
  BOOST_TEST(file_sd_error("- targets: [a]\n  targets: [b]\n", "sd.yml") == "sd.yml:2:3: key 'targets' is repeated");
  BOOST_TEST(file_sd_error("- targets: [a]\n  label: {}\n", "sd.yml") ==
             "sd.yml:2:3: unknown key 'label' in a target group; " + group);
  BOOST_TEST(file_sd_error("- targets: [a]\n  ? [k]\n  : v\n", "sd.yml") == "sd.yml:2:5: a key must be a string; " + group);
}

BOOST_AUTO_TEST_CASE(bad_targets_are_named_where_they_are) {
  const std::string forms = "a target is host, host:port or [v6]:port";
  BOOST_TEST(file_sd_error(R"([{"targets": ["a", ""]}])") == "sd.json:1:20: empty target; " + forms);
  BOOST_TEST(file_sd_error("- targets:\n  - ~\n", "sd.yml") == "sd.yml:2:5: empty target; " + forms);
  BOOST_TEST(file_sd_error("- targets:\n  - ''\n", "sd.yml") == "sd.yml:2:5: empty target; " + forms);
  BOOST_TEST(file_sd_error(R"([{"targets": ["a:http"]}])") ==
             "sd.json:1:15: port 'http' of target 'a:http' is not a number from 0 to 65535");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a:70000"]}])") ==
             "sd.json:1:15: port '70000' of target 'a:70000' is not a number from 0 to 65535");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a:"]}])") == "sd.json:1:15: port '' of target 'a:' is not a number from 0 to 65535");
  BOOST_TEST(file_sd_error(R"([{"targets": ["[::1]:+80"]}])") ==
             "sd.json:1:15: port '+80' of target '[::1]:+80' is not a number from 0 to 65535");
  BOOST_TEST(file_sd_error(R"([{"targets": [":80"]}])") == "sd.json:1:15: target ':80' has no host before ':'");
  BOOST_TEST(file_sd_error(R"([{"targets": ["[::1"]}])") == "sd.json:1:15: target '[::1' has '[' without ']'");
  BOOST_TEST(file_sd_error(R"([{"targets": ["[]:80"]}])") == "sd.json:1:15: target '[]:80' has no address between '[' and ']'");
  BOOST_TEST(file_sd_error(R"([{"targets": ["[::1]80"]}])") == "sd.json:1:15: target '[::1]80': expected ':PORT' after ']'");
  BOOST_TEST(file_sd_error(R"([{"targets": ["http://a/"]}])") == "sd.json:1:15: target 'http://a/' is a URL; " + forms);
  // The host check of every other target source (targets.h), at the target's position; the
  // position is the opening quote even when the string holds escaped quotes and backslashes.
  BOOST_TEST(file_sd_error(R"([{"targets": ["ok", "a\"b\\"]}])") ==
             R"(sd.json:1:21: host 'a"b\' of target 'a"b\' is not a host name or address)");
  BOOST_TEST(file_sd_error("- targets: ['a b']\n", "sd.yml") == "sd.yml:1:13: host 'a b' of target 'a b' is not a host name or address");
}

BOOST_AUTO_TEST_CASE(label_names_are_checked_as_everywhere_else) {
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "labels": {"bad-name": "x"}}])") ==
             "sd.json:1:32: label name 'bad-name' must match [a-zA-Z_][a-zA-Z0-9_]*");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"], "labels": {"dest": "x"}}])") ==
             "sd.json:1:32: label name 'dest' is reserved: netprom sets it itself");
  BOOST_TEST(file_sd_error("- targets: [a]\n  labels:\n    1x: y\n", "sd.yml") ==
             "sd.yml:3:5: label name '1x' must match [a-zA-Z_][a-zA-Z0-9_]*");
  BOOST_TEST(file_sd_error("- targets: [a]\n  labels:\n    v: \"\xff\"\n", "sd.yml") ==
             "sd.yml:3:5: label 'v': label values must be valid UTF-8");
  // Checked even in a group without targets, so a mistake shows before the first target is added.
  BOOST_TEST(file_sd_error(R"([{"labels": {"a-b": "x"}}])") == "sd.json:1:14: label name 'a-b' must match [a-zA-Z_][a-zA-Z0-9_]*");
}

// Two targets with one name would make two series with the same labels: an error naming both.
// Across files (and with the config's targets) the caller checks with duplicate_name_problem().
BOOST_AUTO_TEST_CASE(duplicate_dest_names_within_the_file_are_errors) {
  BOOST_TEST(file_sd_error(R"([{"targets": ["a"]}, {"targets": ["a:80"]}])") ==
             "sd.json:1:35: duplicate target name 'a' (first at sd.json:1:15); give each a distinct name");
  BOOST_TEST(file_sd_error(R"([{"targets": ["a", "b"], "labels": {"name": "n"}}])") ==
             "sd.json:1:20: duplicate target name 'n' (first at sd.json:1:15); give each a distinct name");
  BOOST_TEST(file_sd_error("- targets: ['::1', '[::1]:9100']\n", "sd.yml") ==
             "sd.yml:1:20: duplicate target name '::1' (first at sd.yml:1:13); give each a distinct name");
  BOOST_TEST(file_sd_error("- targets: [10.0.0.1]\n  labels: {name: gw}\n- targets: [10.0.0.2]\n  labels: {name: gw}\n",
                           "sd.yml") == "sd.yml:3:13: duplicate target name 'gw' (first at sd.yml:1:13); give each a distinct name");
  // The same name through a YAML alias is the same duplicate.
  BOOST_TEST(file_sd_error("- &g {targets: [a]}\n- *g\n", "sd.yml") ==
             "sd.yml:1:17: duplicate target name 'a' (first at sd.yml:1:17); give each a distinct name");
}

BOOST_AUTO_TEST_CASE(positions_stay_right_over_many_lines) {
  std::string text = "[\n";
  for (int i = 0; i < 500; ++i) text += R"(  {"targets": ["h)" + std::to_string(i) + R"(:9100"], "labels": {"i": ")" + std::to_string(i) + "\"}},\n";
  text += "  {\"targets\": [\"last\"]}\n]\n";
  auto targets = parse_file_sd(text, "big.json");
  BOOST_REQUIRE(targets.size() == 501u);
  BOOST_TEST(targets[0].origin == "big.json:2:16");
  BOOST_TEST(targets[499].origin == "big.json:501:16");
  BOOST_TEST(targets[499].host == "h499");
  BOOST_TEST(targets[500].origin == "big.json:502:16");
}

BOOST_AUTO_TEST_SUITE_END()
