// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "errors.h"
#include "mesh.h"

using namespace netprom;

namespace {

std::vector<std::string> hosts(std::size_t n, std::string_view prefix = "host-") {
  std::vector<std::string> names;
  for (std::size_t i = 1; i <= n; ++i) names.push_back(fmt::format("{}{:04}", prefix, i));
  return names;
}

// A choice as the set of chosen names (list positions differ between member lists).
std::set<std::string> names_of(const std::vector<std::string>& members, const std::vector<std::size_t>& chosen) {
  std::set<std::string> names;
  for (std::size_t i : chosen) names.insert(members[i]);
  return names;
}

std::string mesh_error(const std::vector<std::string>& members, std::string_view self) {
  try {
    choose_peers(members, self, 3);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// The SipHash reference's test vectors (https://github.com/veorq/SipHash, vectors.h): key 00..0f,
// message 00 01 .. (i - 1) for i = 0..63.
constexpr std::array<std::uint64_t, 64> kSipHashVectors = {
    0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
    0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
    0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
    0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
    0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
    0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
    0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
    0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
    0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
    0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
    0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
    0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
    0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
    0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
    0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
    0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572,
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mesh)

BOOST_AUTO_TEST_CASE(siphash24_matches_the_reference_vectors) {
  std::array<std::byte, 16> key{};
  std::array<std::byte, 64> message{};
  for (std::size_t i = 0; i < 64; ++i) message[i] = static_cast<std::byte>(i);
  for (std::size_t i = 0; i < 16; ++i) key[i] = static_cast<std::byte>(i);
  for (std::size_t len = 0; len < 64; ++len)
    BOOST_TEST(siphash24(key, std::span(message).first(len)) == kSipHashVectors[len], "length " << len);
}

// Computed by an independent Python implementation of the definition in mesh.h (checked against
// the 64 reference vectors above), so that other implementations can reproduce these.
BOOST_AUTO_TEST_CASE(rendezvous_weight_known_answers) {
  struct Case {
    const char* self;
    const char* peer;
    std::uint64_t weight;
  };
  const Case cases[] = {
      {"a", "b", 0x72cfa79018382b4b},
      {"b", "a", 0x34b8dcf9d5b8f648},
      {"ab", "c", 0xd11616129120ea93},
      {"a", "bc", 0xad3361d9f6c9e4c2},
      {"host-0001", "host-0002", 0xf4f0f619aa105b6b},
      {"gw", "198.18.0.1", 0x177f6a79b6a7921c},
      {"", "x", 0x0a06e3b1c20fcbf2},
      {"m\xc3\xbcnchen-1", "fd42::1", 0x7c1197be71d277e9},
      {"a-very-long-member-name.dc1.example.com", "another-long-member-name.dc2.example.com", 0x3611124ee96de289},
  };
  for (const Case& c : cases)
    BOOST_TEST(rendezvous_weight(c.self, c.peer) == c.weight, c.self << " -> " << c.peer);
}

BOOST_AUTO_TEST_CASE(higher_weight_ranks_first_and_equal_weights_go_to_the_smaller_name) {
  BOOST_TEST(ranks_higher(2, "z", 1, "a"));
  BOOST_TEST(!ranks_higher(1, "a", 2, "z"));
  BOOST_TEST(ranks_higher(5, "a", 5, "b"));
  BOOST_TEST(!ranks_higher(5, "b", 5, "a"));
  BOOST_TEST(!ranks_higher(5, "a", 5, "a"));
  BOOST_TEST(ranks_higher(5, "Z", 5, "\xc3\xa9"));  // bytes compare unsigned: 'Z' (0x5a) < 0xc3
}

BOOST_AUTO_TEST_CASE(the_choice_never_holds_self_and_is_ranked_by_weight) {
  std::vector<std::string> members = hosts(50);
  for (std::size_t k : {0u, 1u, 5u, 48u, 49u, 50u, 1000u}) {
    for (const std::string& self : members) {
      std::vector<std::size_t> chosen = choose_peers(members, self, k);
      BOOST_TEST(chosen.size() == std::min<std::size_t>(k, 49));
      BOOST_TEST(names_of(members, chosen).size() == chosen.size());  // no repeats
      BOOST_TEST(!names_of(members, chosen).contains(self));
      for (std::size_t i = 1; i < chosen.size(); ++i)
        BOOST_TEST(ranks_higher(rendezvous_weight(self, members[chosen[i - 1]]), members[chosen[i - 1]],
                                rendezvous_weight(self, members[chosen[i]]), members[chosen[i]]));
      // Nobody left out ranks above the last one chosen.
      if (!chosen.empty())
        for (std::size_t i = 0; i < members.size(); ++i)
          if (members[i] != self && std::find(chosen.begin(), chosen.end(), i) == chosen.end())
            BOOST_TEST(!ranks_higher(rendezvous_weight(self, members[i]), members[i],
                                     rendezvous_weight(self, members[chosen.back()]), members[chosen.back()]));
    }
  }
}

BOOST_AUTO_TEST_CASE(k_of_all_others_or_more_chooses_every_other_member) {
  std::vector<std::string> members = hosts(12);
  for (std::size_t k : {std::size_t{11}, std::size_t{12}, static_cast<std::size_t>(-1)}) {
    for (const std::string& self : members) {
      std::set<std::string> others(members.begin(), members.end());
      others.erase(self);
      BOOST_TEST((names_of(members, choose_peers(members, self, k)) == others));
      BOOST_TEST(inbound_peers(members, self, k) == 11u);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_single_member_or_k_zero_chooses_nobody) {
  std::vector<std::string> alone = {"solo"};
  BOOST_TEST(choose_peers(alone, "solo", 10).empty());
  BOOST_TEST(inbound_peers(alone, "solo", 10) == 0u);
  std::vector<std::string> members = hosts(5);
  BOOST_TEST(choose_peers(members, "host-0003", 0).empty());
  BOOST_TEST(inbound_peers(members, "host-0003", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(the_choice_depends_on_the_names_not_on_their_order_in_the_list) {
  std::vector<std::string> members = hosts(40);
  std::vector<std::string> reversed(members.rbegin(), members.rend());
  for (const std::string& self : members) {
    BOOST_TEST(names_of(members, choose_peers(members, self, 7)) == names_of(reversed, choose_peers(reversed, self, 7)));
    BOOST_TEST(inbound_peers(members, self, 7) == inbound_peers(reversed, self, 7));
  }
}

// Rendezvous hashing's promise: when one member leaves, each other member's choice loses at most
// that member and gains at most one in its place (and is unchanged when it did not hold it);
// a join is the same change backwards. 100 members, K = 10, every member leaving in turn (about
// a million weights: 200 members took a minute in the sanitizer build of `make test`).
BOOST_AUTO_TEST_CASE(a_member_leaving_or_joining_changes_each_choice_by_at_most_that_member) {
  const std::size_t k = 10;
  std::vector<std::string> members = hosts(100);
  std::vector<std::vector<std::size_t>> full = choose_all_peers(members, k);
  for (auto& chosen : full) std::sort(chosen.begin(), chosen.end());
  std::size_t changed = 0;
  for (std::size_t gone = 0; gone < members.size(); ++gone) {
    std::vector<std::string> rest = members;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(gone));
    std::vector<std::vector<std::size_t>> after = choose_all_peers(rest, k);
    for (std::size_t i = 0; i < rest.size(); ++i) {
      auto original = [&](std::size_t j) { return j < gone ? j : j + 1; };  // index in `members`
      std::vector<std::size_t> now;
      for (std::size_t j : after[i]) now.push_back(original(j));
      std::sort(now.begin(), now.end());
      const std::vector<std::size_t>& before = full[original(i)];
      BOOST_REQUIRE(now.size() == k);
      if (!std::binary_search(before.begin(), before.end(), gone)) {
        BOOST_TEST(now == before);
        continue;
      }
      ++changed;
      std::vector<std::size_t> lost, gained;
      std::set_difference(before.begin(), before.end(), now.begin(), now.end(), std::back_inserter(lost));
      std::set_difference(now.begin(), now.end(), before.begin(), before.end(), std::back_inserter(gained));
      BOOST_TEST(lost == std::vector<std::size_t>{gone});
      BOOST_TEST(gained.size() == 1u);
    }
  }
  BOOST_TEST(changed == members.size() * k);  // each leaver was in exactly its inbound peers' choices

  // Joins of members not in the list: each choice gains at most the newcomer, losing one for it.
  for (const std::string& newcomer : hosts(20, "new-")) {
    std::vector<std::string> grown = members;
    grown.push_back(newcomer);
    std::vector<std::vector<std::size_t>> after = choose_all_peers(grown, k);
    for (std::size_t i = 0; i < members.size(); ++i) {
      std::vector<std::size_t> now = after[i];
      std::sort(now.begin(), now.end());
      const std::vector<std::size_t>& before = full[i];
      if (now.back() != members.size()) {  // the newcomer is the last index
        BOOST_TEST(now == before);
        continue;
      }
      now.pop_back();
      BOOST_TEST(std::includes(before.begin(), before.end(), now.begin(), now.end()));
      BOOST_TEST(now.size() == k - 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(inbound_peers_counts_the_members_whose_choice_holds_self) {
  const std::size_t k = 6;
  std::vector<std::string> members = hosts(120);
  std::vector<std::vector<std::size_t>> all = choose_all_peers(members, k);
  std::vector<std::size_t> counted(members.size());
  for (const auto& chosen : all)
    for (std::size_t i : chosen) ++counted[i];
  for (std::size_t i = 0; i < members.size(); ++i) BOOST_TEST(inbound_peers(members, members[i], k) == counted[i]);
}

// Over 1,000 members with K = 10, each member's inbound count behaves as if every member drew
// its 10 peers at random: Binomial(999, 10/999), mean 10, standard deviation 3.15. The bounds:
// min >= 1 (a random choice leaves some member unwatched with probability about
// 1000 * (1 - 10/999)^999 = 4.4%), max <= 30 (exceeded with probability under 1e-4), and a
// standard deviation within 2.8..3.5 (the sample's own standard error is about 0.07), which a
// hash that clusters (or ignores self, so that all pick the same peers) fails by far. These
// names give min 2, max 21, standard deviation 3.18 (bench/RESULTS.md).
BOOST_AUTO_TEST_CASE(inbound_counts_over_1000_members_spread_like_a_random_choice) {
  const std::size_t k = 10;
  std::vector<std::string> members = hosts(1000);
  std::vector<std::vector<std::size_t>> all = choose_all_peers(members, k);
  std::vector<double> inbound(members.size());
  for (const auto& chosen : all) {
    BOOST_REQUIRE(chosen.size() == k);
    for (std::size_t i : chosen) ++inbound[i];
  }
  double mean = 0;
  for (double x : inbound) mean += x;
  mean /= static_cast<double>(inbound.size());
  double variance = 0;
  for (double x : inbound) variance += (x - mean) * (x - mean);
  double stddev = std::sqrt(variance / static_cast<double>(inbound.size()));
  BOOST_TEST(mean == 10.0);
  BOOST_TEST(*std::min_element(inbound.begin(), inbound.end()) >= 1.0);
  BOOST_TEST(*std::max_element(inbound.begin(), inbound.end()) <= 30.0);
  BOOST_TEST(stddev >= 2.8);
  BOOST_TEST(stddev <= 3.5);
  BOOST_TEST(inbound_peers(members, "host-0500", k) == static_cast<std::size_t>(inbound[499]));
}

BOOST_AUTO_TEST_CASE(bad_member_lists_are_config_errors) {
  BOOST_TEST(mesh_error({"a", "b", "a"}, "b") == "mesh member 'a' is listed twice");
  BOOST_TEST(mesh_error({"a", "", "c"}, "a") == "a mesh member has an empty name");
  BOOST_TEST(mesh_error({"a", "b"}, "c") == "'c' is not a member of the mesh (2 members)");
  BOOST_CHECK_THROW(inbound_peers(std::vector<std::string>{"a", "b"}, "c", 1), ConfigError);
  BOOST_CHECK_THROW(choose_all_peers(std::vector<std::string>{"a", "a"}, 1), ConfigError);
}

BOOST_AUTO_TEST_SUITE_END()
