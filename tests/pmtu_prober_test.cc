// SPDX-License-Identifier: MIT
#include "pmtu_prober.h"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cmath>
#include <memory>

#include "fake_network.h"
#include "icmp_packet.h"
#include "pmtu.h"

using namespace netprom;
using namespace std::chrono_literals;
using fake::FakeIcmpSocket;

namespace {

// A client with a 1500-byte device, a router 1 ms away and the destination 10 ms away
// behind a link of `mtu` bytes. The router answers a probe larger than `mtu` with "too big"
// (an error-queue entry quoting the probe, with the MTU) unless it is a black hole. A probe
// larger than the device fails at once with EMSGSIZE; IPv4 queues the device's MTU as a
// local error. IPv4 on a raw socket, IPv6 on a datagram socket: both wire formats.
// The error-queue entry the kernel makes of a packet too big for a link (EMSGSIZE, the MTU in
// ee_info): from a router's ICMP error or from the local device.
QueuedError too_big(int mtu, QueuedError::Origin origin) {
  QueuedError e;
  e.origin = origin;
  if (origin == QueuedError::Origin::icmp) e.type = 3, e.code = 4;  // fragmentation needed
  if (origin == QueuedError::Origin::icmp6) e.type = 2;             // packet too big
  e.error = EMSGSIZE;
  e.info = static_cast<std::uint32_t>(mtu);
  return e;
}

struct Network {
  fake::FakeClock clock;
  FakeIcmpSocket v4{clock, Family::v4, SocketKind::raw, 3};
  FakeIcmpSocket v6{clock, Family::v6, SocketKind::datagram, 4};
  PingSeed seed{0xbeef, 0x0100, 0x0123456789abcdefULL};
  int device = 1500;
  int mtu = 1400;
  bool black_hole = false;
  int sent_out = 0;          // probes that left the host
  int too_big_locally = 0;   // probes refused with EMSGSIZE
  int reply_cut = 0;         // > 0: replies lose this many bytes on the way back

  Network() {
    for (FakeIcmpSocket* socket : {&v4, &v6}) {
      socket->on_send = [this, socket](const FakeIcmpSocket::Sent& s) {
        const Family family = socket->family();
        const int size = static_cast<int>(s.bytes.size() - kIcmpHeaderSize) + probe_overhead(family);
        if (size > device) {
          ++too_big_locally;
          if (family == Family::v4) socket->deliver(s.at, s.to, {}, std::nullopt, true, std::nullopt, too_big(device, QueuedError::Origin::local));
          return EMSGSIZE;
        }
        ++sent_out;
        if (size > mtu) {
          if (!black_hole) {
            // Linux quotes at most 576 bytes of an IPv4 packet; the entry starts at the ICMP header.
            std::vector<std::byte> quoted(s.bytes.begin(), s.bytes.begin() + std::min<std::ptrdiff_t>(548, std::ssize(s.bytes)));
            socket->deliver(s.at + 1ms, s.to, quoted, std::nullopt, true, std::nullopt,
                            too_big(mtu, family == Family::v4 ? QueuedError::Origin::icmp : QueuedError::Origin::icmp6));
          }
          return 0;
        }
        socket->deliver(s.at + 10ms, s.to, reply_for(s, family));
        return 0;
      };
    }
  }

  std::vector<std::byte> reply_for(const FakeIcmpSocket::Sent& s, Family family) const {
    std::vector<std::byte> reply = fake::echo_reply(s.bytes, family);
    if (reply_cut > 0) reply.resize(reply.size() - static_cast<std::size_t>(reply_cut));
    if (family == Family::v6) {
      fake::put16(reply, 4, 0x4242);  // the kernel's identifier
      return reply;
    }
    if (reply_cut > 0) fake::fix_checksum(reply);
    return fake::with_ipv4_header(reply, format_address(s.to), "198.18.0.1");
  }

  std::vector<std::optional<int>> run(std::vector<std::optional<SocketAddress>> addresses,
                                      std::chrono::nanoseconds deadline = 60s) {
    return probe_path_mtus(clock, &v4, &v6, seed, addresses, PathMtuOptions{500ms, 2}, clock.mono + deadline);
  }
};

std::vector<std::optional<SocketAddress>> both() { return {fake::address("198.18.1.2"), fake::address("fd00:1::2")}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(pmtu_prober)

BOOST_AUTO_TEST_CASE(the_routers_answer_is_taken_and_confirmed) {
  Network n;
  const MonoTime start = n.clock.mono;
  const auto mtus = n.run(both());
  BOOST_TEST(mtus[0].value_or(-1) == 1400);
  BOOST_TEST(mtus[1].value_or(-1) == 1400);
  // IPv4: 65528 refused (the device says 1500), 1500 (the router says 1400), 1400 comes back.
  BOOST_TEST(n.v4.sent.size() == 3u);
  // No timeout was waited for: the probes' answers came within milliseconds.
  BOOST_TEST((n.clock.mono - start < 100ms));
}

BOOST_AUTO_TEST_CASE(probes_go_with_their_own_nonce_and_sizes) {
  Network n;
  n.run(both());
  for (const FakeIcmpSocket::Sent& s : n.v4.sent) {
    const auto p = parse_probe_payload(std::span(s.bytes).subspan(kIcmpHeaderSize), s.bytes.size() - kIcmpHeaderSize);
    BOOST_REQUIRE(p.has_value());
    BOOST_TEST(p->nonce == path_mtu_nonce(n.seed));
    BOOST_TEST(p->nonce != n.seed.nonce);
  }
  BOOST_TEST(n.v4.sent[0].bytes.size() == kIcmpHeaderSize + kMaxPayloadSize);  // the largest probe first
  BOOST_TEST(n.v4.sent[1].bytes.size() == 1500u - 20u);
  BOOST_TEST(n.v4.sent[2].bytes.size() == 1400u - 20u);
}

BOOST_AUTO_TEST_CASE(a_black_hole_is_found_by_bisection_for_many_mtus) {
  for (int mtu = 1280; mtu <= 1500; mtu += 11) {
    Network n;
    n.mtu = mtu;
    n.black_hole = true;
    const MonoTime start = n.clock.mono;
    const auto mtus = n.run(both());
    BOOST_TEST_REQUIRE(mtus[0].value_or(-1) == mtu);
    BOOST_TEST_REQUIRE(mtus[1].value_or(-1) == mtu);
    // Both searches run at once; each too-big size costs two timeouts of 500 ms, and a
    // bisection of 68..1500 has at most 11 steps.
    BOOST_TEST_REQUIRE((n.clock.mono - start <= 12s));
  }
}

BOOST_AUTO_TEST_CASE(the_deadline_ends_the_search_without_a_result) {
  Network n;
  n.black_hole = true;
  const MonoTime start = n.clock.mono;
  const auto mtus = n.run(both(), 1200ms);
  BOOST_TEST(!mtus[0].has_value());
  BOOST_TEST(!mtus[1].has_value());
  BOOST_TEST((n.clock.mono - start == 1200ms));
}

BOOST_AUTO_TEST_CASE(skipped_entries_and_families_without_a_socket_get_nothing) {
  Network n;
  const auto mtus = probe_path_mtus(n.clock, &n.v4, nullptr, n.seed,
                                    std::vector<std::optional<SocketAddress>>{std::nullopt, fake::address("fd00:1::2"),
                                                                              fake::address("198.18.1.2")},
                                    PathMtuOptions{500ms, 2}, n.clock.mono + 10s);
  BOOST_TEST(!mtus[0].has_value());
  BOOST_TEST(!mtus[1].has_value());
  BOOST_TEST(mtus[2].value_or(-1) == 1400);
  BOOST_TEST(n.v6.sent.empty());
}

BOOST_AUTO_TEST_CASE(a_refused_send_ends_that_search_only) {
  Network n;
  n.v6.on_send = [](const FakeIcmpSocket::Sent&) { return EHOSTUNREACH; };
  const auto mtus = n.run(both());
  BOOST_TEST(mtus[0].value_or(-1) == 1400);
  BOOST_TEST(!mtus[1].has_value());
  BOOST_TEST(n.v6.sent.size() == 1u);
}

BOOST_AUTO_TEST_CASE(cut_replies_prove_nothing) {
  Network n;
  n.reply_cut = 4;  // every reply arrives 4 bytes short: no size is proven
  const auto mtus = n.run(both(), 60s);
  BOOST_TEST(!mtus[0].has_value());
  BOOST_TEST(!mtus[1].has_value());
}

BOOST_AUTO_TEST_CASE(a_silent_destination_ends_at_the_minimum_with_nothing) {
  Network n;
  for (FakeIcmpSocket* s : {&n.v4, &n.v6}) s->on_send = [](const FakeIcmpSocket::Sent&) { return 0; };
  const auto mtus = n.run(both(), 60s);
  BOOST_TEST(!mtus[0].has_value());
  BOOST_TEST(!mtus[1].has_value());
  const auto last = n.v6.sent.back().bytes.size();
  BOOST_TEST(last == 1280u - 40u);  // IPv6's minimum was tried last
}

BOOST_AUTO_TEST_CASE(run_pings_probes_after_the_echo_requests_and_keeps_them_apart) {
  Network n;
  fake::FakeResolver resolver;
  std::vector<std::unique_ptr<FakeIcmpSocket>> echo;
  std::vector<bool> probe_flags;
  const SocketOpener opener = [&](Family family, const IcmpSocketOptions& o) -> std::unique_ptr<IcmpSocket> {
    probe_flags.push_back(o.probe_path_mtu);
    if (o.probe_path_mtu) {
      BOOST_TEST(o.payload_size == kMaxPayloadSize);
      // Hand over the network's sockets (owned by the fixture) through a forwarding wrapper.
      struct Forward final : IcmpSocket {
        explicit Forward(IcmpSocket& s) : s_(s) {}
        SocketKind kind() const override { return s_.kind(); }
        Family family() const override { return s_.family(); }
        int send(const SocketAddress& d, std::span<const std::byte> p) override { return s_.send(d, p); }
        std::size_t receive(std::span<Datagram> out) override { return s_.receive(out); }
        int fd() const override { return s_.fd(); }
        IcmpSocket& s_;
      };
      return std::make_unique<Forward>(family == Family::v4 ? static_cast<IcmpSocket&>(n.v4) : n.v6);
    }
    auto socket = std::make_unique<FakeIcmpSocket>(n.clock, family, SocketKind::datagram, family == Family::v4 ? 10 : 12);
    socket->on_send = [s = socket.get(), family](const FakeIcmpSocket::Sent& sent) {
      std::vector<std::byte> reply = fake::echo_reply(sent.bytes, family);
      s->deliver(sent.at + 5ms, sent.to, reply);
      return 0;
    };
    return socket;
  };
  PingOptions options;
  options.deadline = 30s;
  ProbeSettings probe;
  probe.count = 3;
  probe.interval = 1;
  probe.timeout = 1;
  probe.pmtu = true;
  std::vector<TargetSpec> targets;
  for (const char* host : {"198.18.1.2", "fd00:1::2", "198.18.9.9", "198.18.1.3"})
    targets.push_back({.name = host, .host = host, .family = Family::any, .labels = {}, .origin = "", .overrides = {}, .probe = probe,
                       .address = parse_address_literal(host)});
  targets[3].probe.pmtu = false;  // pmtu is a per-target setting: this one answers, and is not probed
  // "198.18.9.9" gets no reply to its echo requests: it costs no probe.
  const auto results = run_pings(targets, options, resolver, n.clock, [&](Family f, const IcmpSocketOptions& o) {
    auto s = opener(f, o);
    if (!o.probe_path_mtu) {
      auto* fs = static_cast<FakeIcmpSocket*>(s.get());
      auto inner = fs->on_send;
      fs->on_send = [inner](const FakeIcmpSocket::Sent& sent) {
        return format_address(sent.to) == "198.18.9.9" ? 0 : inner(sent);
      };
    }
    return s;
  }, n.seed);
  // The echo sockets first (one per family), then the probes' own.
  BOOST_TEST(probe_flags == (std::vector<bool>{false, false, true, true}), boost::test_tools::per_element());
  BOOST_REQUIRE(results.size() == 4u);
  for (const PingResult& r : results) {
    BOOST_TEST(r.sent == 3u);  // the echo requests only
    BOOST_TEST(r.rtt_seconds.size() == 3u);
  }
  BOOST_TEST(results[0].received == 3u);
  BOOST_TEST(results[0].rtt_seconds[0] == 0.005);  // the echo replies' RTT, no probe's
  BOOST_TEST(results[0].path_mtu.value_or(-1) == 1400);
  BOOST_TEST(results[1].path_mtu.value_or(-1) == 1400);
  BOOST_TEST(!results[2].path_mtu.has_value());
  BOOST_TEST(results[3].received == 3u);
  BOOST_TEST(!results[3].path_mtu.has_value());
  BOOST_REQUIRE(!n.v4.sent.empty());
  for (const FakeIcmpSocket::Sent& s : n.v4.sent) BOOST_TEST(format_address(s.to) == "198.18.1.2");
}

BOOST_AUTO_TEST_SUITE_END()
