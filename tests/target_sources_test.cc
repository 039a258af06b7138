// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>
#include <vector>

#include "cli.h"
#include "config.h"
#include "errors.h"
#include "mesh.h"
#include "plan.h"
#include "target_sources.h"

using namespace netprom;

namespace {

// The read seam over an in-memory set of files; records what was read, with its role.
struct Files {
  std::map<std::string, std::string> text;
  std::vector<std::string> reads;
  ReadFile reader() {
    return [this](const std::string& path, std::string_view role) {
      reads.push_back(std::string(role) + " " + path);
      auto it = text.find(path);
      if (it == text.end()) throw ConfigError("cannot read " + std::string(role) + " " + path);
      return it->second;
    };
  }
};

// "name host origin labels..." per target.
std::vector<std::string> summary(const std::vector<TargetSpec>& targets) {
  std::vector<std::string> lines;
  for (const TargetSpec& t : targets) {
    std::string line = t.name + " " + t.host + " " + t.origin;
    for (const auto& [k, v] : t.labels) line += " " + k + "=" + v;
    lines.push_back(line);
  }
  return lines;
}

std::string error_of(Settings& s, Files& files, std::string_view host = "host") {
  try {
    add_target_sources(s, files.reader(), host);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A member list of `n` members m0 .. m(n-1) at 127.0.0.(i+1), with a label each.
std::string member_list(int n) {
  std::string text = "[";
  for (int i = 0; i < n; ++i)
    text += (i ? ",\n" : "\n") + std::string(R"({"targets": ["127.0.0.)") + std::to_string(i + 1) +
            R"("], "labels": {"name": "m)" + std::to_string(i) + R"(", "rack": "r)" + std::to_string(i % 2) + "\"}}";
  return text + "\n]\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(target_sources)

BOOST_AUTO_TEST_CASE(file_sd_targets_follow_the_others_with_their_group_labels) {
  Files files;
  files.text["a.json"] = R"([{"targets": ["192.0.2.1:9100", "[2001:db8::1]:80"], "labels": {"site": "x", "__meta": "y"}}])";
  files.text["b.yml"] = "- targets: [web1]\n  labels: {name: web, team: net}\n";
  Settings s;
  s.targets.push_back({"gw", "192.0.2.254", Family::any, {}, "argument 1", {}, {}, {}});
  s.file_sd = {"a.json", "b.yml"};
  BOOST_TEST(!add_target_sources(s, files.reader(), "host"));
  BOOST_TEST(summary(s.targets) ==
                 (std::vector<std::string>{"gw 192.0.2.254 argument 1", "192.0.2.1 192.0.2.1 a.json:1:15 site=x",
                                           "2001:db8::1 2001:db8::1 a.json:1:33 site=x", "web web1 b.yml:1:13 team=net"}),
             boost::test_tools::per_element());
  BOOST_TEST(files.reads == (std::vector<std::string>{"file_sd file a.json", "file_sd file b.yml"}),
             boost::test_tools::per_element());
  BOOST_TEST(!s.mesh_coverage);
}

BOOST_AUTO_TEST_CASE(a_malformed_or_unreadable_file_is_a_config_error_with_its_position) {
  Files files;
  files.text["bad.yml"] = "- targets: [a]\n  labels: {site: [1]}\n";
  Settings s;
  s.file_sd = {"bad.yml"};
  BOOST_TEST(error_of(s, files) == "bad.yml:2:18: label 'site' must have a string value");
  s.file_sd = {"missing.json"};
  BOOST_TEST(error_of(s, files) == "cannot read file_sd file missing.json");
}

BOOST_AUTO_TEST_CASE(a_name_taken_by_another_destination_or_a_constant_label_is_refused) {
  Files files;
  files.text["a.json"] = R"([{"targets": ["192.0.2.1"], "labels": {"name": "gw", "host": "h"}}])";
  Settings s;
  s.targets.push_back({"gw", "192.0.2.254", Family::any, {}, "argument 1", {}, {}, {}});
  s.file_sd = {"a.json"};
  BOOST_TEST(error_of(s, files) == "a.json:1:15: duplicate target name 'gw' (first at argument 1); give each a distinct name");
  s.targets.clear();
  s.labels = {{"host", "x"}};
  BOOST_TEST(error_of(s, files) ==
             "a.json:1:15: target 'gw' has its own label 'host', which is also a constant label of the run");
}

BOOST_AUTO_TEST_CASE(mesh_peers_are_the_rendezvous_choice_never_self_with_their_labels) {
  Files files;
  files.text["fleet.json"] = member_list(20);
  Settings s;
  s.mesh = "fleet.json";
  s.self = "m3";
  s.mesh_peers = 4;
  s.targets.push_back({"gw", "192.0.2.254", Family::any, {}, "argument 1", {}, {}, {}});
  std::optional<Mesh> mesh = add_target_sources(s, files.reader(), "not-used");
  BOOST_REQUIRE(mesh);
  BOOST_TEST(mesh->k == 4u);
  BOOST_TEST(mesh->names[mesh->self] == "m3");
  BOOST_REQUIRE(s.targets.size() == 5u);
  BOOST_TEST(s.targets[0].name == "gw");
  std::vector<std::size_t> want = choose_peers(mesh->names, "m3", 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const TargetSpec& t = s.targets[i + 1];
    BOOST_TEST(t.name == "m" + std::to_string(want[i]));
    BOOST_TEST(t.host == "127.0.0." + std::to_string(want[i] + 1));
    BOOST_TEST(t.labels == (std::vector<std::pair<std::string, std::string>>{{"rack", "r" + std::to_string(want[i] % 2)}}));
    BOOST_TEST(t.name != "m3");
  }
  BOOST_REQUIRE(s.mesh_coverage);
  BOOST_TEST(s.mesh_coverage->members == 20u);
  BOOST_TEST(s.mesh_coverage->inbound == inbound_peers(mesh->names, "m3", 4));
  BOOST_TEST(files.reads == (std::vector<std::string>{"mesh list fleet.json"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mesh_self_defaults_to_the_host_name_and_k_to_every_other_member) {
  Files files;
  files.text["fleet.yml"] = "- targets: [127.0.0.1, 127.0.0.2, 127.0.0.3]\n";
  Settings s;
  s.mesh = "fleet.yml";
  std::optional<Mesh> mesh = add_target_sources(s, files.reader(), "127.0.0.2");
  BOOST_REQUIRE(mesh);
  BOOST_TEST(mesh->k == 2u);
  std::vector<std::string> names;
  for (const TargetSpec& t : s.targets) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  BOOST_TEST(names == (std::vector<std::string>{"127.0.0.1", "127.0.0.3"}), boost::test_tools::per_element());
  BOOST_TEST(s.mesh_coverage->inbound == 2u);
  // --mesh-peers beyond the others is every other member.
  s = Settings{};
  s.mesh = "fleet.yml";
  s.mesh_peers = 50;
  BOOST_TEST(add_target_sources(s, files.reader(), "127.0.0.2")->k == 2u);
  // A list of one: no peer, and no reason to ping the default gateways.
  files.text["one.yml"] = "- targets: [127.0.0.1]\n";
  s = Settings{};
  s.mesh = "one.yml";
  BOOST_TEST(add_target_sources(s, files.reader(), "127.0.0.1")->k == 0u);
  BOOST_TEST(s.targets.empty());
  BOOST_TEST(!uses_default_gateways(s));
  BOOST_TEST(s.mesh_coverage->members == 1u);
  BOOST_TEST(s.mesh_coverage->inbound == 0u);
}

BOOST_AUTO_TEST_CASE(self_not_in_the_list_names_the_nearest_members) {
  Files files;
  files.text["fleet.json"] = member_list(20);
  Settings s;
  s.mesh = "fleet.json";
  s.self = "m7x";
  BOOST_TEST(error_of(s, files) ==
             "fleet.json: --self 'm7x' is not a member of the list (20 members); nearest: m7, m0, m1");
  s.self.reset();
  BOOST_TEST(error_of(s, files, "web1") ==
             "fleet.json: this host's name 'web1' is not a member of the list (20 members); nearest: m1, m11, m0; "
             "give --self NAME");
  files.text["empty.yml"] = "";
  s.mesh = "empty.yml";
  BOOST_TEST(error_of(s, files, "web1") ==
             "empty.yml: this host's name 'web1' is not a member of the list (0 members); nearest: none, the list "
             "is empty; give --self NAME");
}

BOOST_AUTO_TEST_CASE(a_mesh_peer_named_like_another_destination_is_refused) {
  Files files;
  files.text["fleet.yml"] = "- targets: [127.0.0.1, 127.0.0.2]\n";
  Settings s;
  s.mesh = "fleet.yml";
  s.targets.push_back({"127.0.0.2", "127.0.0.2", Family::any, {}, "argument 1", {}, {}, {}});
  BOOST_TEST(error_of(s, files, "127.0.0.1") ==
             "fleet.yml:1:24: duplicate target name '127.0.0.2' (first at argument 1); give each a distinct name");
}

BOOST_AUTO_TEST_CASE(the_mesh_plan_lists_every_members_choice_and_its_watchers) {
  Files files;
  files.text["fleet.json"] = member_list(5);
  Settings s;
  s.mesh = "fleet.json";
  s.self = "m1";
  s.mesh_peers = 2;
  std::optional<Mesh> mesh = add_target_sources(s, files.reader(), "");
  std::vector<std::vector<std::size_t>> all = choose_all_peers(mesh->names, 2);
  std::vector<int> inbound(5);
  for (const auto& choice : all)
    for (std::size_t p : choice) ++inbound[p];
  std::string want = "mesh: fleet.json, 5 members, each pings 2; this host is m1, watched by " +
                     std::to_string(inbound[1]) + "\n";
  for (std::size_t i = 0; i < 5; ++i)
    want += "  m" + std::to_string(i) + " -> m" + std::to_string(all[i][0]) + " m" + std::to_string(all[i][1]) +
            "   (watched by " + std::to_string(inbound[i]) + ")\n";
  BOOST_TEST(render_mesh_plan(*mesh) == want);
  BOOST_TEST(inbound[1] == static_cast<int>(s.mesh_coverage->inbound));
}

BOOST_AUTO_TEST_CASE(config_paths_are_beside_the_config_and_the_command_line_list_replaces_its_own) {
  ConfigFile config = parse_config("file_sd = [\"a.yml\", \"/abs/b.json\"]\nmesh = \"fleet.yml\"\nself = \"h1\"\n",
                                   "/etc/netprom/netprom.toml");
  std::vector<const char*> none{"netprom"};
  Settings s = merge_settings(config, parse_command_line(1, none.data()), std::nullopt);
  BOOST_TEST(s.file_sd == (std::vector<std::string>{"/etc/netprom/a.yml", "/abs/b.json"}),
             boost::test_tools::per_element());
  BOOST_TEST(*s.mesh == "/etc/netprom/fleet.yml");
  BOOST_TEST(*s.self == "h1");
  std::vector<const char*> argv{"netprom", "--file-sd", "c.json", "--file-sd=d.yml", "--mesh-peers", "3"};
  s = merge_settings(config, parse_command_line(static_cast<int>(argv.size()), argv.data()), std::nullopt);
  BOOST_TEST(s.file_sd == (std::vector<std::string>{"c.json", "d.yml"}), boost::test_tools::per_element());
  BOOST_TEST(*s.mesh_peers == 3);
}

BOOST_AUTO_TEST_CASE(file_sd_in_the_config_must_be_an_array_of_file_names) {
  auto error = [](std::string_view text) {
    try {
      parse_config(text, "n.toml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(error("file_sd = \"a.yml\"\n") == "n.toml:1:11: file_sd must be an array of file names, e.g. [\"targets.yml\"]");
  BOOST_TEST(error("file_sd = [\"a.yml\", 3]\n") == "n.toml:1:21: file_sd must hold file names (strings)");
  BOOST_TEST(error("mesh_peers = 0\n") == "n.toml:1:14: mesh_peers must be a whole number from 1 to 100000, got 0");
}

BOOST_AUTO_TEST_SUITE_END()
