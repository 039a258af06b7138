// SPDX-License-Identifier: MIT
#include "mesh.h"

#include <algorithm>
#include <array>
#include <bit>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "errors.h"

namespace netprom {
namespace {

// Rendezvous hashing (Thaler and Ravishankar, 1998): each member ranks every other member by a
// hash of the pair and takes the top k. Nothing is shared but the list, and a member that joins
// or leaves moves only its own rank in each other member's order, so each choice changes by at
// most that member. SipHash-2-4 is the weight because it is fully specified, has published test
// vectors and implementations in most languages, and mixes well enough that the inbound counts
// follow the binomial law of a random choice (tests/mesh_test.cc).

// The fixed key of rendezvous_weight(): the reference test key, bytes 00 to 0f.
constexpr std::array<std::byte, 16> kWeightKey = [] {
  std::array<std::byte, 16> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::byte>(i);
  return key;
}();

std::uint64_t load_le64(const std::byte* p, std::size_t n = 8) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::to_integer<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

struct SipState {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }

  void compress(std::uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

// The message of rendezvous_weight(self, peer) is `prefix` (LE64 length and self, made once per
// self) followed by peer; `buffer` is reused across peers.
void append_prefix(std::string& buffer, std::string_view self) {
  buffer.clear();
  std::uint64_t n = self.size();
  for (int i = 0; i < 8; ++i) buffer.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  buffer.append(self);
}

std::uint64_t weight_with_prefix(std::string& buffer, std::size_t prefix_size, std::string_view peer) {
  buffer.resize(prefix_size);
  buffer.append(peer);
  return siphash24(kWeightKey, std::as_bytes(std::span(buffer)));
}

void check_members(std::span<const std::string> members) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(members.size());
  for (const std::string& name : members) {
    if (name.empty()) throw ConfigError("a mesh member has an empty name");
    if (!seen.insert(name).second) throw ConfigError(fmt::format("mesh member '{}' is listed twice", name));
  }
}

std::size_t index_of(std::span<const std::string> members, std::string_view self) {
  auto it = std::find(members.begin(), members.end(), self);
  if (it == members.end())
    throw ConfigError(fmt::format("'{}' is not a member of the mesh ({} members)", self, members.size()));
  return static_cast<std::size_t>(it - members.begin());
}

// The choice of members[self]; members are checked.
std::vector<std::size_t> choice_of(std::span<const std::string> members, std::size_t self, std::size_t k,
                                   std::string& buffer) {
  append_prefix(buffer, members[self]);
  std::size_t prefix_size = buffer.size();
  std::vector<std::pair<std::uint64_t, std::size_t>> ranked;
  ranked.reserve(members.size());
  for (std::size_t i = 0; i < members.size(); ++i)
    if (i != self) ranked.emplace_back(weight_with_prefix(buffer, prefix_size, members[i]), i);
  auto higher = [&](const auto& a, const auto& b) {
    return ranks_higher(a.first, members[a.second], b.first, members[b.second]);
  };
  std::size_t take = std::min(k, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(take), ranked.end(), higher);
  std::vector<std::size_t> chosen(take);
  for (std::size_t i = 0; i < take; ++i) chosen[i] = ranked[i].second;
  return chosen;
}

}  // namespace

std::uint64_t siphash24(std::span<const std::byte, 16> key, std::span<const std::byte> message) {
  std::uint64_t k0 = load_le64(key.data());
  std::uint64_t k1 = load_le64(key.data() + 8);
  SipState s{k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d, k0 ^ 0x6c7967656e657261,
             k1 ^ 0x7465646279746573};
  std::size_t full = message.size() / 8 * 8;
  for (std::size_t i = 0; i < full; i += 8) s.compress(load_le64(message.data() + i));
  // The last block: the remaining bytes, and the message length (mod 256) in the top byte.
  std::uint64_t last = (static_cast<std::uint64_t>(message.size()) << 56) |
                       load_le64(message.data() + full, message.size() - full);
  s.compress(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

bool ranks_higher(std::uint64_t weight_a, std::string_view name_a, std::uint64_t weight_b, std::string_view name_b) {
  if (weight_a != weight_b) return weight_a > weight_b;
  return name_a < name_b;  // char_traits<char> compares bytes as unsigned char, as memcmp does
}

std::uint64_t rendezvous_weight(std::string_view self, std::string_view peer) {
  std::string buffer;
  append_prefix(buffer, self);
  return weight_with_prefix(buffer, buffer.size(), peer);
}

std::vector<std::size_t> choose_peers(std::span<const std::string> members, std::string_view self,
                                      std::size_t k) {
  check_members(members);
  std::string buffer;
  return choice_of(members, index_of(members, self), k, buffer);
}

std::size_t inbound_peers(std::span<const std::string> members, std::string_view self, std::size_t k) {
  check_members(members);
  std::size_t target = index_of(members, self);
  // Member i chooses `self` when fewer than k other members rank above it in i's order.
  std::string buffer;
  std::size_t inbound = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i == target) continue;
    append_prefix(buffer, members[i]);
    std::size_t prefix_size = buffer.size();
    std::uint64_t own = weight_with_prefix(buffer, prefix_size, self);
    std::size_t above = 0;
    for (std::size_t j = 0; j < members.size() && above < k; ++j) {
      if (j == i || j == target) continue;
      std::uint64_t w = weight_with_prefix(buffer, prefix_size, members[j]);
      if (ranks_higher(w, members[j], own, self)) ++above;
    }
    if (above < k) ++inbound;
  }
  return inbound;
}

std::vector<std::vector<std::size_t>> choose_all_peers(std::span<const std::string> members, std::size_t k) {
  check_members(members);
  std::vector<std::vector<std::size_t>> all;
  all.reserve(members.size());
  std::string buffer;
  for (std::size_t i = 0; i < members.size(); ++i) all.push_back(choice_of(members, i, k, buffer));
  return all;
}

}  // namespace netprom
