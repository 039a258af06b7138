// SPDX-License-Identifier: MIT
#include "receive_control.h"

#include <boost/test/unit_test.hpp>

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <ctime>
#include <vector>

#include "fake_network.h"

using namespace netprom;

namespace {

// Control data as recvmsg() lays it out: each message through the kernel ABI's CMSG_* macros.
class ControlBuilder {
 public:
  template <typename T>
  ControlBuilder& add(int level, int type, const T& value) {
    return add_bytes(level, type, &value, sizeof value);
  }
  ControlBuilder& add_bytes(int level, int type, const void* data, std::size_t length) {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + CMSG_SPACE(length));
    cmsghdr header{};
    header.cmsg_len = CMSG_LEN(length);
    header.cmsg_level = level;
    header.cmsg_type = type;
    std::memcpy(bytes_.data() + at, &header, sizeof header);
    std::memcpy(bytes_.data() + at + CMSG_LEN(0), data, length);
    return *this;
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

template <typename Name>
std::vector<std::byte> error_with_offender(std::uint8_t origin, std::uint8_t type, std::uint8_t code,
                                           std::uint32_t info, const Name& offender) {
  sock_extended_err ee{};
  ee.ee_errno = EHOSTUNREACH;
  ee.ee_origin = origin;
  ee.ee_type = type;
  ee.ee_code = code;
  ee.ee_info = info;
  std::vector<std::byte> data(sizeof ee + sizeof offender);
  std::memcpy(data.data(), &ee, sizeof ee);
  std::memcpy(data.data() + sizeof ee, &offender, sizeof offender);
  return data;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(receive_control)

BOOST_AUTO_TEST_CASE(timestamp_and_ipv4_ttl_of_a_reply) {
  timespec ts{1'700'000'000, 123'456'789};
  const int ttl = 63;
  ControlBuilder b;
  b.add(SOL_SOCKET, SCM_TIMESTAMPNS, ts).add(IPPROTO_IP, IP_TTL, ttl);
  const ReceiveControl c = parse_receive_control(b.bytes());
  BOOST_REQUIRE(c.kernel_time);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::nanoseconds>(c.kernel_time->time_since_epoch()).count() ==
             1'700'000'000'123'456'789);
  BOOST_TEST(c.ttl.value_or(0) == 63);
  BOOST_TEST(!c.error);
}

BOOST_AUTO_TEST_CASE(ipv6_hop_limit_of_a_reply) {
  const int hops = 254;
  ControlBuilder b;
  b.add(IPPROTO_IPV6, IPV6_HOPLIMIT, hops);
  const ReceiveControl c = parse_receive_control(b.bytes());
  BOOST_TEST(c.ttl.value_or(0) == 254);
  BOOST_TEST(!c.kernel_time);
}

BOOST_AUTO_TEST_CASE(ipv4_error_queue_entry_names_type_code_mtu_and_router) {
  const SocketAddress router = fake::address("198.18.1.2");
  const auto data = error_with_offender(SO_EE_ORIGIN_ICMP, 3, 4, 1400, router.v4);
  ControlBuilder b;
  b.add_bytes(IPPROTO_IP, IP_RECVERR, data.data(), data.size());
  const ReceiveControl c = parse_receive_control(b.bytes());
  BOOST_REQUIRE(c.error);
  BOOST_TEST((c.error->origin == QueuedError::Origin::icmp));
  BOOST_TEST(c.error->type == 3);
  BOOST_TEST(c.error->code == 4);
  BOOST_TEST(c.error->info == 1400u);
  BOOST_TEST(c.error->error == EHOSTUNREACH);
  BOOST_TEST(format_address(c.error->offender) == "198.18.1.2");
}

BOOST_AUTO_TEST_CASE(ipv6_error_queue_entry_names_type_and_router) {
  const SocketAddress router = fake::address("fd00:1::2");
  const auto data = error_with_offender(SO_EE_ORIGIN_ICMP6, 3, 0, 0, router.v6);
  timespec ts{5, 0};
  ControlBuilder b;
  b.add(SOL_SOCKET, SCM_TIMESTAMPNS, ts).add_bytes(IPPROTO_IPV6, IPV6_RECVERR, data.data(), data.size());
  const ReceiveControl c = parse_receive_control(b.bytes());
  BOOST_REQUIRE(c.error);
  BOOST_TEST((c.error->origin == QueuedError::Origin::icmp6));
  BOOST_TEST(c.error->type == 3);
  BOOST_TEST(format_address(c.error->offender) == "fd00:1::2");
  BOOST_TEST(c.kernel_time.has_value());
}

BOOST_AUTO_TEST_CASE(local_error_without_offender_names_nobody) {
  sockaddr_in none{};  // SO_EE_OFFENDER of a local error: family AF_UNSPEC
  const auto data = error_with_offender(SO_EE_ORIGIN_LOCAL, 0, 0, 1500, none);
  ControlBuilder b;
  b.add_bytes(IPPROTO_IP, IP_RECVERR, data.data(), data.size());
  const ReceiveControl c = parse_receive_control(b.bytes());
  BOOST_REQUIRE(c.error);
  BOOST_TEST((c.error->origin == QueuedError::Origin::local));
  BOOST_TEST(c.error->offender.base.sa_family == AF_UNSPEC);
}

BOOST_AUTO_TEST_CASE(short_or_cut_messages_are_skipped) {
  const std::uint8_t short_ttl = 9;  // one byte where an int belongs
  ControlBuilder b;
  b.add(IPPROTO_IP, IP_TTL, short_ttl);
  BOOST_TEST(!parse_receive_control(b.bytes()).ttl);
  // An error entry without room for sock_extended_err.
  const std::uint32_t stub = 0;
  ControlBuilder e;
  e.add(IPPROTO_IP, IP_RECVERR, stub);
  BOOST_TEST(!parse_receive_control(e.bytes()).error);
  // A length that runs past the buffer ends the walk; every cut of a good buffer is safe.
  const int ttl = 64;
  ControlBuilder t;
  t.add(IPPROTO_IP, IP_TTL, ttl);
  for (std::size_t n = 0; n < CMSG_LEN(sizeof ttl); ++n) {
    const ReceiveControl c = parse_receive_control(std::span(t.bytes()).first(n));
    BOOST_TEST(!c.ttl, n);
  }
  BOOST_TEST(parse_receive_control(t.bytes()).ttl.value_or(0) == 64);
  BOOST_TEST(!parse_receive_control({}).ttl);
}

BOOST_AUTO_TEST_SUITE_END()
