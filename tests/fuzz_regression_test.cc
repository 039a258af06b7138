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
#include <string>
#include <string_view>
#include <vector>

#include "config.h"
#include "errors.h"
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

// The message of the ConfigError that parse_config() throws for `text`, or "" when it throws none.
std::string config_error(std::string_view text) {
  try {
    netprom::parse_config(text, "fuzz.toml");
  } catch (const netprom::ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fuzz_regression)

// config_fuzzer (with _GLIBCXX_ASSERTIONS): "optional: Assertion 'this->_M_is_engaged()' failed".
// toml++'s node.value<double>() is nullopt for an integer beyond 2^53, and dereferencing it read
// garbage: netprom said "got 4.66983205663087e-310" for 9007199254740993.
BOOST_AUTO_TEST_CASE(config_integer_beyond_2_pow_53_is_range_checked_by_value) {
  BOOST_TEST(config_error("interval = 9007199254740993\n") ==
             "fuzz.toml:1:12: interval must be a number of seconds from 0.001 to 3600, got 9007199254740992");
  BOOST_TEST(config_error("rate = -9223372036854775808\n") ==
             "fuzz.toml:1:8: rate must be a number from 0.1 to 10000000, got -9.223372036854776e+18");
  BOOST_TEST(config_error("buckets = [0.5, 9007199254740993]\n") ==
             "fuzz.toml:1:11: buckets bounds must be seconds from 1e-09 to 3600, got 9007199254740992");
  BOOST_TEST(config_error("timeout = 9007199254740992\nbuckets = [1, 2]\n") ==
             "fuzz.toml:1:11: timeout must be a number of seconds from 0.001 to 3600, got 9007199254740992");
}

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

// config_fuzzer with toml++ compiled in from its headers: toml++ 3.3.0's own undefined behaviour
// (marzer/tomlplusplus#294, #295). The shared library netprom links reports both as parse errors;
// this keeps them config errors with a position.
BOOST_AUTO_TEST_CASE(config_inputs_that_trip_tomlplusplus_are_config_errors) {
  BOOST_TEST(config_error("[,z~").starts_with("fuzz.toml:1:2: "));
  BOOST_TEST(config_error("a\xc3\xa9 = 1\n").starts_with("fuzz.toml:1:2: "));
}

BOOST_AUTO_TEST_SUITE_END()
