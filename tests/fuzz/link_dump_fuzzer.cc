// SPDX-License-Identifier: MIT
// libFuzzer target: parse_link_dump() over one arbitrary RTM_GETLINK reply datagram.
// std::system_error ("cannot dump links...") is the one allowed failure.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <vector>

#include "fuzz_check.h"
#include "link_stats.h"
#include "netlink_input.h"

using netprom::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  netprom::fuzz::DumpInput input(data, size);
  std::vector<netprom::LinkStats> links;
  try {
    netprom::DumpStatus status = netprom::parse_link_dump(input.datagram, input.seq, input.portid, links);
    (void)status;
  } catch (const std::system_error& error) {
    check(std::string_view(error.what()).starts_with("cannot dump links"), "error message without its prefix");
    check(error.code().value() != 0, "system_error without an errno");
    return 0;
  }
  for (const netprom::LinkStats& link : links) {
    check(link.name.find('\0') == std::string::npos, "link name holds a NUL");
    check(link.name.size() < input.datagram.size(), "link name longer than the datagram");
  }
  return 0;
}
