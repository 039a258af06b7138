// SPDX-License-Identifier: MIT
// libFuzzer target: parse_history() over arbitrary bytes. StateError is the one allowed failure.
// An accepted state must survive render_history() -> parse_history() unchanged, because that is
// what the next run reads back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_check.h"
#include "history.h"

using netprom::fuzz::check;

namespace {

bool same(const netprom::History& a, const netprom::History& b) {
  if (a.bounds != b.bounds || a.dests.size() != b.dests.size()) return false;
  for (std::size_t i = 0; i < a.dests.size(); ++i) {
    const netprom::DestHistory& x = a.dests[i];
    const netprom::DestHistory& y = b.dests[i];
    if (x.name != y.name || x.sent != y.sent || x.received != y.received ||
        x.duplicates != y.duplicates || x.buckets != y.buckets || x.count != y.count || x.sum != y.sum)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  netprom::History history;
  try {
    history = netprom::parse_history(netprom::fuzz::as_text(data, size));
  } catch (const netprom::StateError&) {
    return 0;
  }
  std::string text = netprom::render_history(history);
  netprom::History again;
  try {
    again = netprom::parse_history(text);
  } catch (const netprom::StateError& error) {
    std::fprintf(stderr, "rendered state does not parse: %s\n%s", error.what(), text.c_str());
    std::abort();
  }
  check(same(history, again), "state changed through render_history/parse_history");
  return 0;
}
