// SPDX-License-Identifier: MIT
// Inputs that crashed or hung a fuzz target in tests/fuzz/, kept as unit tests byte for byte
// (each case names the target and what it did before the fix).
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <vector>

#include "link_stats.h"
#include "nl_builder.h"
#include "routes.h"

using netprom::testing::check_system_error;

namespace {

// A fuzz input as the netlink fuzzers see it: a heap copy of exactly its size (aligned for
// nlmsghdr by operator new), with the seq and port id of its first header as the expected ones.
struct DumpInput {
  std::vector<std::byte> bytes;
  std::uint32_t seq = 0;
  std::uint32_t portid = 0;

  explicit DumpInput(std::initializer_list<unsigned> values) {
    for (unsigned v : values) bytes.push_back(static_cast<std::byte>(v));
    std::memcpy(&seq, bytes.data() + 8, sizeof seq);
    std::memcpy(&portid, bytes.data() + 12, sizeof portid);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fuzz_regression)

// link_dump_fuzzer: SEGV in mnl_nlmsg_ok(). nlmsg_len 0xdadada31 is negative as an int, so libmnl
// took it for a message that fits, and mnl_nlmsg_next() jumped 3.6 GB past the 16-byte datagram.
BOOST_AUTO_TEST_CASE(link_dump_with_nlmsg_len_of_2_gib_or_more_is_truncated,
                     *boost::unit_test::timeout(10)) {
  DumpInput input{0x31, 0xda, 0xda, 0xda, 0xda, 0xda, 0xda, 0xda,
                  0xda, 0xda, 0xb5, 0xda, 0xda, 0xda, 0xda, 0xda};
  std::vector<netprom::LinkStats> links;
  check_system_error([&] { netprom::parse_link_dump(input.bytes, input.seq, input.portid, links); },
                     EBADMSG, "cannot dump links: truncated message at offset 0: Bad message");
  BOOST_TEST(links.empty());
}

// route_dump_fuzzer: hang. nlmsg_len 0xffffffff passed mnl_nlmsg_ok() as -1 and its 4-byte
// alignment wraps to 0, so mnl_nlmsg_next() returned the same message forever.
BOOST_AUTO_TEST_CASE(route_dump_with_nlmsg_len_0xffffffff_ends, *boost::unit_test::timeout(10)) {
  DumpInput input{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc3, 0x0a};
  std::vector<netprom::Gateway> gateways;
  check_system_error([&] { netprom::parse_route_dump(input.bytes, input.seq, input.portid, gateways); },
                     EBADMSG, "cannot dump routes: truncated message at offset 0: Bad message");
  BOOST_TEST(gateways.empty());
}

BOOST_AUTO_TEST_SUITE_END()
