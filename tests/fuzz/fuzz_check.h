// SPDX-License-Identifier: MIT
// Shared helpers of the libFuzzer targets: an invariant check that stops the run, and input slicing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

namespace netprom::fuzz {

/// Aborts (a crash libFuzzer records with its input) when an invariant of a parser fails.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

/// The fuzz input as bytes.
inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

/// The fuzz input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Whether `inner` lies entirely inside `outer` (an empty span anywhere counts).
inline bool within(std::span<const std::byte> inner, std::span<const std::byte> outer) {
  if (inner.empty()) return true;
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

}  // namespace netprom::fuzz
