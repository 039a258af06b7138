// SPDX-License-Identifier: MIT
// The fleet mesh: which members each member pings, chosen by rendezvous (highest-random-weight)
// hashing from one shared list, so that every host computes the same choice for the whole fleet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netprom {

/// SipHash-2-4 (Aumasson and Bernstein, https://github.com/veorq/SipHash) of `message` under the
/// 16-byte key `key`; the 64-bit result as the reference implementation's little-endian output.
std::uint64_t siphash24(std::span<const std::byte, 16> key, std::span<const std::byte> message);

/// The weight of `peer` in `self`'s choice:
///   SipHash-2-4 with the key 00 01 02 ... 0f (hex bytes) over the message
///   LE64(byte length of self) || self || peer
/// where LE64 is the length as 8 bytes, least significant first, and the names are their UTF-8
/// bytes. The same on every host, build and architecture; the length prefix keeps ("ab", "c")
/// and ("a", "bc") apart.
std::uint64_t rendezvous_weight(std::string_view self, std::string_view peer);

/// Whether a peer with weight `weight_a` and name `name_a` ranks above one with `weight_b` and
/// `name_b` in a member's order: the higher weight, or on equal weights the bytewise smaller name.
bool ranks_higher(std::uint64_t weight_a, std::string_view name_a, std::uint64_t weight_b, std::string_view name_b);

/// The members `self` pings: indices into `members` of the min(k, members.size() - 1) members
/// other than `self` with the highest rendezvous_weight(self, member), in ranks_higher()
/// order. k >= members.size() - 1 means every other member.
/// Throws ConfigError when a name is empty or listed twice, or `self` is not among `members`.
std::vector<std::size_t> choose_peers(std::span<const std::string> members, std::string_view self,
                                      std::size_t k);

/// How many members' choice (choose_peers with the same `k`) includes `self`: the value of
/// netprom_mesh_inbound_peers. Throws as choose_peers().
std::size_t inbound_peers(std::span<const std::string> members, std::string_view self, std::size_t k);

/// The whole fleet's choice: element i is choose_peers(members, members[i], k). Throws as
/// choose_peers(). Computes n * (n - 1) weights for n members.
std::vector<std::vector<std::size_t>> choose_all_peers(std::span<const std::string> members, std::size_t k);

}  // namespace netprom
