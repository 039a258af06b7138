// SPDX-License-Identifier: MIT
#include "pinger.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "fake_network.h"
#include "icmp_packet.h"

using namespace netprom;
using namespace std::chrono_literals;
using fake::FakeIcmpSocket;

namespace {

constexpr std::size_t kIpHeader = 20;

std::uint16_t sequence_of(const FakeIcmpSocket::Sent& s) { return fake::get16(s.bytes, 6); }

TargetSpec target(const std::string& host, const ProbeSettings& probe) {
  TargetSpec t;
  t.name = t.host = host;
  t.probe = probe;
  t.address = parse_address_literal(host);  // as set_probe_settings sets it
  return t;
}

std::uint32_t index_of(const FakeIcmpSocket::Sent& s) {
  return parse_probe_payload(std::span(s.bytes).subspan(kIcmpHeaderSize), s.bytes.size() - kIcmpHeaderSize)->index;
}

// Two IPv4 destinations on a raw socket and one IPv6 destination on a datagram socket:
// both wire formats in every test.
struct PingerFixture {
  fake::FakeClock clock;
  FakeIcmpSocket v4{clock, Family::v4, SocketKind::raw, 3};
  FakeIcmpSocket v6{clock, Family::v6, SocketKind::datagram, 4};
  PingOptions options;
  ProbeSettings probe;  // every destination's settings
  PingSeed seed{0xbeef, 0xfff0, 0x0123456789abcdefULL};
  std::vector<std::optional<SocketAddress>> addresses{fake::address("198.18.0.2"), fake::address("fd00::2"),
                                                      fake::address("198.18.0.3")};
  MonoTime start = clock.mono;

  PingerFixture() {
    probe.count = 3;
    probe.interval = 1;
    probe.timeout = 2;
    options.deadline = 50s;
  }

  // One target per address, each with `probe`.
  std::vector<TargetSpec> targets() const {
    std::vector<TargetSpec> t(addresses.size());
    for (TargetSpec& target : t) target.probe = probe;
    return t;
  }

  std::vector<PingResult> run(IcmpSocket* v6_socket) {
    return ping_addresses(clock, &v4, v6_socket, options, seed, targets(), addresses, start + options.deadline);
  }
  std::vector<PingResult> run() { return run(&v6); }

  // The reply as each socket kind would hand it over: raw IPv4 with an IP header; the
  // datagram IPv6 socket with the identifier rewritten, as the kernel does.
  std::vector<std::byte> reply_for(const FakeIcmpSocket::Sent& s) {
    if (family_of(s.to) == Family::v6) {
      std::vector<std::byte> reply = fake::echo_reply(s.bytes, Family::v6);
      fake::put16(reply, 4, 0x4242);
      return reply;
    }
    return fake::with_ipv4_header(fake::echo_reply(s.bytes, Family::v4), format_address(s.to), "198.18.0.1");
  }

  // Every request is answered after `delay` (copies times), by the socket it went out on.
  void answer_all(std::chrono::nanoseconds delay, int copies = 1) {
    for (FakeIcmpSocket* socket : {&v4, &v6}) {
      socket->on_send = [this, socket, delay, copies](const FakeIcmpSocket::Sent& s) {
        for (int i = 0; i < copies; ++i) socket->deliver(s.at + delay, s.to, reply_for(s));
        return 0;
      };
    }
  }
};

void check_all_lost(const PingResult& r, std::uint64_t sent) {
  BOOST_TEST(r.sent == sent);
  BOOST_TEST(r.received == 0u);
  BOOST_TEST(r.rtt_seconds.size() == sent);
  for (const double rtt : r.rtt_seconds) BOOST_TEST(std::isnan(rtt));
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pinger, PingerFixture)

BOOST_AUTO_TEST_CASE(replies_within_timeout_are_received_with_kernel_timestamp_rtt) {
  answer_all(10ms);
  const auto results = run();
  BOOST_REQUIRE(results.size() == 3u);
  for (const PingResult& r : results) {
    BOOST_TEST(r.address.has_value());
    BOOST_TEST(r.sent == 3u);
    BOOST_TEST(r.received == 3u);
    BOOST_TEST(r.duplicates + r.late + r.errors + r.corrupt == 0u);
    BOOST_REQUIRE(r.rtt_seconds.size() == 3u);
    for (const double rtt : r.rtt_seconds) BOOST_TEST(rtt == 0.010, boost::test_tools::tolerance(1e-9));
  }
  BOOST_TEST(format_address(results[0].address.value()) == "198.18.0.2");
  BOOST_TEST((family_of(results[1].address.value()) == Family::v6));
  BOOST_TEST(format_address(results[1].address.value()) == "fd00::2");
  // All destinations at once: the run takes (count - 1) * interval + RTT plus a tiny stagger.
  BOOST_TEST((clock.mono - start >= 2s + 10ms));
  BOOST_TEST((clock.mono - start < 2s + 11ms));
}

BOOST_AUTO_TEST_CASE(requests_to_one_destination_are_one_interval_apart) {
  answer_all(1ms);
  run();
  std::vector<MonoTime> times;
  for (const auto& s : v4.sent) {
    if (format_address(s.to) == "198.18.0.3") times.push_back(s.at);
  }
  BOOST_REQUIRE(times.size() == 3u);
  BOOST_TEST((times[1] - times[0] == 1s));
  BOOST_TEST((times[2] - times[1] == 1s));
}

BOOST_AUTO_TEST_CASE(duplicate_replies_are_counted_once) {
  answer_all(5ms, 3);
  const auto results = run();
  for (const PingResult& r : results) {
    BOOST_TEST(r.received == 3u);
    BOOST_TEST(r.duplicates == 6u);
  }
}

BOOST_AUTO_TEST_CASE(reply_after_timeout_is_late_not_received) {
  answer_all(2500ms);
  const auto results = run();
  for (const PingResult& r : results) {
    check_all_lost(r, 3);
    // The run ends when the last request times out (at 4 s); the late replies to the first
    // two came in while it was still running, the third one's (4.5 s) is not waited for.
    BOOST_TEST(r.late == 2u);
    BOOST_TEST(r.duplicates == 0u);
  }
  BOOST_TEST((clock.mono - start < 4s + 1ms));
}

BOOST_AUTO_TEST_CASE(reply_read_after_timeout_but_stamped_in_time_is_received) {
  // The first reply arrived (kernel timestamp) 1.9 s after sending, but became readable to
  // the loop only at 2.5 s, after the request had expired at 2 s.
  probe.count = 2;
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    v4.deliver(s.at + 2500ms, s.to, reply_for(s), clock.wall_at(s.at + 1900ms));
    return 0;
  };
  const auto results = run();
  BOOST_TEST(results[0].received == 1u);
  BOOST_TEST(results[0].late == 0u);
  BOOST_TEST(results[0].rtt_seconds[0] == 1.9, boost::test_tools::tolerance(1e-9));
  // The second reply becomes readable at 3.5 s, after the run ended at 3 s.
  BOOST_TEST(std::isnan(results[0].rtt_seconds[1]));
}

BOOST_AUTO_TEST_CASE(foreign_identifier_is_ignored_on_raw_socket) {
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto reply = fake::echo_reply(s.bytes, Family::v4);
    fake::put16(reply, 4, 0x4242);
    fake::fix_checksum(reply);
    v4.deliver(s.at + 1ms, s.to, fake::with_ipv4_header(reply, format_address(s.to), "198.18.0.1"));
    return 0;
  };
  const auto results = run();
  check_all_lost(results[0], 3);
  BOOST_TEST(results[0].corrupt == 0u);
  BOOST_TEST(results[0].late == 0u);
}

BOOST_AUTO_TEST_CASE(datagram_socket_accepts_kernel_rewritten_identifier) {
  answer_all(1ms);  // the IPv6 replies carry identifier 0x4242, not ours
  BOOST_TEST(run()[1].received == 3u);
}

BOOST_AUTO_TEST_CASE(foreign_nonce_is_ignored) {
  answer_all(1ms);
  seed.nonce = 1;  // replies are built from what was sent; change the nonce in flight instead
  v6.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto reply = reply_for(s);
    reply[kIcmpHeaderSize] ^= std::byte{0xff};
    v6.deliver(s.at + 1ms, s.to, reply);
    return 0;
  };
  const auto results = run();
  BOOST_TEST(results[0].received == 3u);
  check_all_lost(results[1], 3);
  BOOST_TEST(results[1].corrupt == 0u);
}

BOOST_AUTO_TEST_CASE(reply_from_wrong_source_is_ignored) {
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    v4.deliver(s.at + 1ms, fake::address("198.18.0.99"), reply_for(s));
    return 0;
  };
  const auto results = run();
  check_all_lost(results[0], 3);
  check_all_lost(results[2], 3);
  BOOST_TEST(results[0].corrupt == 0u);
}

BOOST_AUTO_TEST_CASE(bad_checksum_is_counted_as_corrupt) {
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto packet = reply_for(s);
    packet[kIpHeader + 2] ^= std::byte{0x01};
    v4.deliver(s.at + 1ms, s.to, packet);
    return 0;
  };
  const auto results = run();
  check_all_lost(results[0], 3);
  BOOST_TEST(results[0].corrupt == 3u);
}

BOOST_AUTO_TEST_CASE(mangled_payload_is_counted_as_corrupt) {
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto reply = fake::echo_reply(s.bytes, Family::v4);
    reply.back() ^= std::byte{0x80};
    fake::fix_checksum(reply);  // a valid checksum over a changed payload
    v4.deliver(s.at + 1ms, s.to, fake::with_ipv4_header(reply, format_address(s.to), "198.18.0.1"));
    return 0;
  };
  const auto results = run();
  check_all_lost(results[0], 3);
  BOOST_TEST(results[0].corrupt == 3u);
}

BOOST_AUTO_TEST_CASE(icmp_error_ends_request_without_waiting_for_timeout) {
  answer_all(1ms);
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto error = fake::icmp4_error(3, 1, s.bytes, "198.18.0.1", format_address(s.to), s.bytes.size());
    v4.deliver(s.at + 3ms, fake::address("198.18.0.254"), fake::with_ipv4_header(error, "198.18.0.254", "198.18.0.1"));
    return 0;
  };
  const auto results = run();
  check_all_lost(results[0], 3);
  BOOST_TEST(results[0].errors == 3u);
  BOOST_TEST(results[1].received == 3u);
  // The last request errored 3 ms after it was sent: no 2 s timeout wait.
  BOOST_TEST((clock.mono - start < 2s + 4ms));
}

BOOST_AUTO_TEST_CASE(icmp_error_quoting_only_header_is_attributed_by_sequence_and_address) {
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto error = fake::icmp4_error(11, 0, s.bytes, "198.18.0.1", format_address(s.to), kIcmpHeaderSize);
    v4.deliver(s.at + 3ms, fake::address("198.18.0.254"), fake::with_ipv4_header(error, "198.18.0.254", "198.18.0.1"));
    return 0;
  };
  const auto results = run();
  BOOST_TEST(results[0].errors == 3u);
  BOOST_TEST(results[2].errors == 3u);
}

BOOST_AUTO_TEST_CASE(icmp_error_for_another_destination_is_ignored) {
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto error = fake::icmp4_error(3, 1, s.bytes, "198.18.0.1", "198.18.0.77", s.bytes.size());
    v4.deliver(s.at + 3ms, fake::address("198.18.0.254"), fake::with_ipv4_header(error, "198.18.0.254", "198.18.0.1"));
    return 0;
  };
  const auto results = run();
  BOOST_TEST(results[0].errors == 0u);
  check_all_lost(results[0], 3);
}

BOOST_AUTO_TEST_CASE(error_queue_entry_on_datagram_socket_is_an_error) {
  v6.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto as_sent = s.bytes;
    fake::put16(as_sent, 4, 0x4242);  // the kernel's identifier
    v6.deliver(s.at + 2ms, s.to, as_sent, std::nullopt, true);
    return 0;
  };
  const auto results = run();
  check_all_lost(results[1], 3);
  BOOST_TEST(results[1].errors == 3u);
}

BOOST_AUTO_TEST_CASE(reply_ttl_is_the_one_the_last_counted_reply_came_with) {
  int next_ttl = 60;
  v4.on_send = [this, &next_ttl](const FakeIcmpSocket::Sent& s) {
    v4.deliver(s.at + 1ms, s.to, reply_for(s), std::nullopt, false, next_ttl++);
    return 0;
  };
  v6.on_send = [this](const FakeIcmpSocket::Sent& s) {
    v6.deliver(s.at + 1ms, s.to, reply_for(s));  // the kernel gave no hop limit
    return 0;
  };
  const auto results = run();
  // Requests alternate between 198.18.0.2 and 198.18.0.3: TTLs 60, 61 (first round), 62, 63,
  // 64, 65; each destination keeps its own last one.
  BOOST_TEST(results[0].reply_ttl.value_or(0) == 64);
  BOOST_TEST(results[2].reply_ttl.value_or(0) == 65);
  BOOST_TEST(!results[1].reply_ttl);
}

BOOST_AUTO_TEST_CASE(errors_carry_type_and_router_from_the_packet_and_from_the_error_queue) {
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto error = fake::icmp4_error(11, 0, s.bytes, "198.18.0.1", format_address(s.to), s.bytes.size());
    v4.deliver(s.at + 3ms, fake::address("198.18.1.2"), fake::with_ipv4_header(error, "198.18.1.2", "198.18.0.1"));
    return 0;
  };
  v6.on_send = [this](const FakeIcmpSocket::Sent& s) {
    auto as_sent = s.bytes;
    fake::put16(as_sent, 4, 0x4242);
    QueuedError e;
    e.origin = QueuedError::Origin::icmp6;
    e.type = 2;  // packet too big
    e.info = 1400;
    e.offender = fake::address("fd00:1::2");
    v6.deliver(s.at + 2ms, s.to, as_sent, std::nullopt, true, std::nullopt, e);
    return 0;
  };
  const auto results = run();
  BOOST_TEST(results[0].errors_by_type[static_cast<std::size_t>(IcmpErrorType::time_exceeded)] == 3u);
  BOOST_REQUIRE(results[0].last_error);
  BOOST_TEST(results[0].last_error->second == "198.18.1.2");
  BOOST_TEST(results[1].errors_by_type[static_cast<std::size_t>(IcmpErrorType::packet_too_big)] == 3u);
  BOOST_REQUIRE(results[1].last_error);
  BOOST_TEST((results[1].last_error->first == IcmpErrorType::packet_too_big));
  BOOST_TEST(results[1].last_error->second == "fd00:1::2");
}

BOOST_AUTO_TEST_CASE(raw_ipv6_error_with_quoted_request_is_attributed) {
  FakeIcmpSocket raw6(clock, Family::v6, SocketKind::raw, 5);
  raw6.on_send = [&raw6](const FakeIcmpSocket::Sent& s) {
    raw6.deliver(s.at + 2ms, fake::address("fd00::fe"), fake::icmp6_error(1, 3, s.bytes, "fd00::1", "fd00::2", 1232));
    return 0;
  };
  const auto results = run(&raw6);
  BOOST_TEST(results[1].errors == 3u);
}

BOOST_AUTO_TEST_CASE(sequence_wrap_beyond_65536_requests_is_matched_exactly) {
  // 14,000 destinations x 5 = 70,000 requests: the 16-bit sequence wraps; the 32-bit index
  // in the payload does not.
  probe.count = 5;
  probe.interval = 1;
  addresses.clear();
  for (int i = 0; i < 14000; ++i) {
    addresses.push_back(fake::address(fmt::format("198.18.{}.{}", i / 250, 1 + i % 250)));
  }
  std::uint64_t stale = 0;
  v4.on_send = [&](const FakeIcmpSocket::Sent& s) {
    v4.deliver(s.at + 1ms, s.to, reply_for(s));
    // A copy claiming the request 65,536 earlier, which has the same sequence: the index
    // points at another destination, so the source does not match and it must not count.
    const std::uint32_t index = index_of(s);
    if (index >= 65536) {
      auto bogus = fake::echo_reply(s.bytes, Family::v4);
      render_probe_payload(std::span(bogus).subspan(kIcmpHeaderSize), seed.nonce, index - 65536);
      fake::fix_checksum(bogus);
      v4.deliver(s.at + 2ms, s.to, fake::with_ipv4_header(bogus, format_address(s.to), "198.18.0.1"));
      ++stale;
    }
    return 0;
  };
  const auto results = run();
  BOOST_TEST(v4.sent.size() == 70000u);
  BOOST_TEST(stale == 70000u - 65536u);
  std::uint64_t received = 0, duplicates = 0, corrupt = 0;
  bool all_five = true;
  for (const PingResult& r : results) {
    received += r.received;
    duplicates += r.duplicates;
    corrupt += r.corrupt;
    all_five = all_five && r.received == 5 && r.sent == 5;
  }
  BOOST_TEST(received == 70000u);
  BOOST_TEST(duplicates == 0u);
  BOOST_TEST(corrupt == 0u);
  BOOST_TEST(all_five);
  BOOST_TEST(sequence_of(v4.sent[65536]) == sequence_of(v4.sent[0]));
}

BOOST_AUTO_TEST_CASE(wall_clock_step_back_falls_back_to_monotonic_rtt) {
  answer_all(10ms);
  clock.steps.push_back({start + 1500ms, std::chrono::nanoseconds(-1h)});  // between two rounds
  const auto results = run();
  for (const PingResult& r : results) {
    BOOST_TEST(r.received == 3u);
    for (const double rtt : r.rtt_seconds) BOOST_TEST(rtt == 0.010, boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(wall_clock_step_between_send_and_reply_leaves_the_rtt_exact) {
  // Only the reply's wait in the socket is measured by the wall clock, so a step before the
  // reply arrives does not matter, whatever its size or direction, smaller than the RTT too.
  for (const std::chrono::nanoseconds step : {std::chrono::nanoseconds(-1h), std::chrono::nanoseconds(-2s),
                                               std::chrono::nanoseconds(-5ms), std::chrono::nanoseconds(5ms),
                                               std::chrono::nanoseconds(3s), std::chrono::nanoseconds(1h)}) {
    PingerFixture f;
    f.answer_all(10ms);
    // Steps 5 ms after the first round is sent, before its replies arrive.
    f.clock.steps.push_back({f.start + 5ms, step});
    const auto results = f.run();
    BOOST_TEST(results[0].received == 3u);
    BOOST_TEST(results[0].rtt_seconds[0] == 0.010, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(results[0].rtt_seconds[1] == 0.010, boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(wall_clock_step_while_the_reply_waits_is_told_apart_by_the_clock_offset) {
  // The kernel stamps the reply 5 ms after the send, the loop reads it 15 ms after it, and
  // the wall clock steps in between. The realtime - monotonic offset differs between the send
  // and the read by the step; only the stamp in the send's frame lies between the send and
  // the read, so the RTT is the true 5 ms, whatever the direction.
  for (const std::chrono::nanoseconds step : {std::chrono::nanoseconds(-1h), std::chrono::nanoseconds(-50ms),
                                               std::chrono::nanoseconds(50ms), std::chrono::nanoseconds(1h)}) {
    PingerFixture f;
    f.probe.count = 1;
    f.v4.on_send = [&f](const FakeIcmpSocket::Sent& s) {
      f.v4.deliver(s.at + 15ms, s.to, f.reply_for(s), f.clock.wall_at(s.at + 5ms));
      return 0;
    };
    f.clock.steps.push_back({f.start + 10ms, step});
    const auto results = f.run();
    for (const std::size_t i : {std::size_t{0}, std::size_t{2}}) {  // the IPv4 destinations
      BOOST_TEST(results[i].received == 1u);
      BOOST_TEST(results[i].rtt_seconds[0] == 0.005, boost::test_tools::tolerance(1e-9));
    }
  }
  // A step smaller than the wait leaves both readings possible: the monotonic time from the
  // send to the read, an upper bound, is the RTT.
  PingerFixture f;
  f.probe.count = 1;
  f.v4.on_send = [&f](const FakeIcmpSocket::Sent& s) {
    f.v4.deliver(s.at + 15ms, s.to, f.reply_for(s), f.clock.wall_at(s.at + 5ms));
    return 0;
  };
  f.clock.steps.push_back({f.start + 10ms, -8ms});
  const auto results = f.run();
  BOOST_TEST(results[0].rtt_seconds[0] == 0.015, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(a_stalled_netprom_takes_rtt_and_lateness_from_the_kernel_stamp) {
  // netprom is stopped 100 ms into the run for 1.5 s or 10 s (SIGSTOP, swap): replies that
  // arrived 200 ms after their request wait in the socket, with -W 1 (issue 14 item 3).
  for (const std::chrono::nanoseconds stall : {std::chrono::nanoseconds(1500ms), std::chrono::nanoseconds(10s)}) {
    PingerFixture f;
    f.probe.timeout = 1;
    f.answer_all(200ms);
    f.clock.stalls.push_back({f.start + 100ms, stall});
    const auto results = f.run();
    for (const PingResult& r : results) {
      BOOST_TEST(r.received == 3u);
      BOOST_TEST(r.late == 0u);
      for (const double rtt : r.rtt_seconds) BOOST_TEST(rtt == 0.200, boost::test_tools::tolerance(1e-9));
    }
    BOOST_TEST((f.clock.mono - f.start >= stall));  // the stall did happen
  }
}

BOOST_AUTO_TEST_CASE(a_stall_does_not_turn_a_late_reply_into_an_answer) {
  // The same stall, with replies 1.2 s after their request: late with -W 1, stall or not.
  PingerFixture f;
  f.probe.timeout = 1;
  f.answer_all(1200ms);
  f.clock.stalls.push_back({f.start + 100ms, 1500ms});
  for (const PingResult& r : f.run()) {
    BOOST_TEST(r.received == 0u);
    BOOST_TEST(r.late >= 1u);
  }
}

BOOST_AUTO_TEST_CASE(send_error_is_counted_apart_neither_sent_nor_lost) {
  answer_all(1ms);
  v4.on_send = [this](const FakeIcmpSocket::Sent& s) {
    if (format_address(s.to) == "198.18.0.2") return EHOSTUNREACH;
    v4.deliver(s.at + 1ms, s.to, reply_for(s));
    return 0;
  };
  const auto results = run();
  BOOST_TEST(results[0].send_errors == 3u);
  check_all_lost(results[0], 0);  // nothing left the host
  BOOST_TEST(results[0].errors == 0u);
  BOOST_TEST(results[0].unsent == 0u);
  BOOST_TEST(results[2].received == 3u);
  BOOST_TEST(results[2].send_errors == 0u);
  BOOST_TEST(results[1].received == 3u);
}

BOOST_AUTO_TEST_CASE(deadline_ends_run_and_unsent_requests_are_not_counted) {
  probe.count = 5;
  options.deadline = 1500ms;
  const auto results = run();  // nobody answers
  for (const PingResult& r : results) {
    check_all_lost(r, 2);  // sent at 0 s and 1 s
    BOOST_TEST(r.unsent == 3u);  // not sent, and not lost
  }
  BOOST_TEST((clock.mono - start == 1500ms));
}

BOOST_AUTO_TEST_CASE(a_stop_flag_ends_the_run_at_once_with_what_was_seen) {
  probe.count = 5;
  volatile std::sig_atomic_t stop = 0;
  options.stop = &stop;
  answer_all(10ms);
  v6.on_send = [this, &stop, answer = v6.on_send](const FakeIcmpSocket::Sent& s) {
    if (s.at - start >= 2s) stop = 1;  // Ctrl-C once the third round is out (IPv6 goes last)
    return answer(s);
  };
  const auto results = run();
  for (const PingResult& r : results) {
    BOOST_TEST(r.sent == 3u);
    BOOST_TEST(r.received == 2u);  // the third round's replies were due 10 ms after the stop
    BOOST_TEST(r.unsent == 2u);
  }
  BOOST_TEST((clock.mono - start < 2100ms));  // not the 50 s deadline, nor the last round
}

BOOST_AUTO_TEST_CASE(reply_before_deadline_counts_and_pending_at_deadline_is_lost) {
  probe.count = 2;
  options.deadline = 1500ms;
  probe.timeout = 5;
  answer_all(800ms);  // first round answered at 0.8 s, second would be at 1.8 s
  const auto results = run();
  BOOST_TEST(results[0].sent == 2u);
  BOOST_TEST(results[0].received == 1u);
  BOOST_TEST(std::isnan(results[0].rtt_seconds[1]));
  BOOST_TEST((clock.mono - start == 1500ms));
}

BOOST_AUTO_TEST_CASE(rate_caps_requests_per_second) {
  probe.count = 1;
  options.rate = 5.0;
  addresses.clear();
  for (int i = 0; i < 10; ++i) addresses.push_back(fake::address(fmt::format("198.18.0.{}", 10 + i)));
  answer_all(1ms);
  const auto results = run();
  BOOST_REQUIRE(v4.sent.size() == 10u);
  for (std::size_t i = 1; i < v4.sent.size(); ++i) BOOST_TEST((v4.sent[i].at - v4.sent[i - 1].at >= 195ms));
  for (const PingResult& r : results) BOOST_TEST(r.received == 1u);
}

BOOST_AUTO_TEST_CASE(requests_the_rate_leaves_unsent_by_the_deadline_are_not_lost) {
  probe.count = 1;
  options.rate = 5.0;
  options.deadline = 1s;
  addresses.clear();
  for (int i = 0; i < 10; ++i) addresses.push_back(fake::address(fmt::format("198.18.0.{}", 10 + i)));
  answer_all(1ms);
  const auto results = run();
  std::uint64_t sent = 0, unsent = 0;
  for (const PingResult& r : results) {
    sent += r.sent;
    unsent += r.unsent;
    BOOST_TEST(r.received == r.sent);  // every request that went was answered: no loss
    BOOST_TEST(r.sent + r.unsent == 1u);
  }
  BOOST_TEST(sent == 5u);  // at 0, 0.2, 0.4, 0.6 and 0.8 s
  BOOST_TEST(unsent == 5u);
}

BOOST_AUTO_TEST_CASE(starts_are_staggered_within_a_bound) {
  probe.count = 1;
  addresses.clear();
  for (int i = 0; i < 100000; ++i) {
    addresses.push_back(fake::address(fmt::format("198.{}.{}.{}", 18 + i / 65536, (i / 256) % 256, i % 256)));
  }
  run();
  BOOST_REQUIRE(v4.sent.size() == 100000u);
  const auto spread = v4.sent.back().at - v4.sent.front().at;
  BOOST_TEST((spread > 100ms));   // not all in the same microsecond
  BOOST_TEST((spread <= 250ms));  // and not stretching the run
}

namespace {

// One request each to 100 destinations that answer in 1 ms; each send costs the kernel 5 us.
void hundred_destinations_5us_a_send(PingerFixture& f) {
  f.probe.count = 1;
  f.addresses.clear();
  for (int i = 0; i < 100; ++i) f.addresses.push_back(fake::address(fmt::format("198.18.1.{}", 1 + i)));
  f.answer_all(1ms);
  f.v4.send_cost = 5us;
}

}  // namespace

BOOST_AUTO_TEST_CASE(wall_clock_step_within_a_send_turn_leaves_the_rtt_exact) {
  // The realtime - monotonic offset of a send time is read once a turn. 100 requests go in
  // two turns from 990 us on, 5 us apart; the wall clock steps during the first one, so the
  // requests sent after the step carry the offset from before it: the reply's kernel stamp
  // still places it, and every RTT is the true 1 ms.
  for (const std::chrono::nanoseconds step : {std::chrono::nanoseconds(-1h), std::chrono::nanoseconds(1h)}) {
    PingerFixture f;
    hundred_destinations_5us_a_send(f);
    f.clock.steps.push_back({f.start + 1100us, step});
    for (const PingResult& r : f.run()) {
      BOOST_TEST(r.received == 1u);
      BOOST_TEST(r.rtt_seconds.at(0) == 0.001, boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(each_request_of_a_batch_has_its_own_send_time) {
  // Sending costs the kernel 5 us a packet (on loopback it also runs the echo reply): a send
  // time shared by a batch would make the 64th request read 1.315 ms instead of 1 ms.
  PingerFixture f;
  hundred_destinations_5us_a_send(f);
  for (const PingResult& r : f.run()) {
    BOOST_TEST(r.received == 1u);
    BOOST_TEST(r.rtt_seconds.at(0) == 0.001, boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(grouped_requests_are_never_early_and_at_most_the_slack_late) {
  // 1,000 destinations start 10 us apart; requests wait for a wake-up group of 256, but no
  // request waits more than 3 ms (an interval of 8 ms: 8 ms / 16 = 0.5 ms, and the 1,000
  // starts are 4 us apart).
  for (const auto& [interval, slack] : {std::pair{1000ms, 3000us}, std::pair{8ms, 500us}}) {
    PingerFixture f;
    f.probe.count = 3;
    f.probe.interval = std::chrono::duration<double>(interval).count();
    f.addresses.clear();
    constexpr std::size_t kDestinations = 1000;
    for (std::size_t i = 0; i < kDestinations; ++i) {
      f.addresses.push_back(fake::address(fmt::format("198.18.{}.{}", i / 250, 1 + i % 250)));
    }
    f.answer_all(1ms);
    const auto results = f.run();
    BOOST_REQUIRE(f.v4.sent.size() == 3 * kDestinations);
    // Destination d's k-th request is due at start + d * stagger + k * interval, the
    // stagger spreading 1,000 starts over 10 ms (at most half the interval).
    const auto stagger = std::min<std::chrono::nanoseconds>(10ms, interval / 2) / kDestinations;
    std::chrono::nanoseconds worst{0};
    bool early = false;
    for (const auto& s : f.v4.sent) {
      const std::uint32_t r = index_of(s);
      const MonoTime due = f.start + stagger * static_cast<std::int64_t>(r % kDestinations) +
                           interval * static_cast<std::int64_t>(r / kDestinations);
      early = early || s.at < due;
      worst = std::max<std::chrono::nanoseconds>(worst, s.at - due);
    }
    BOOST_TEST(!early);
    BOOST_TEST((worst <= slack));
    BOOST_TEST((worst > slack / 2));  // the head of each group did wait for company
    // Each request is its own send call, stamped right before it (below: exact RTTs), but the
    // loop wakes about once per group, not once per request: a group is 256 requests, or as
    // many as are due within the slack (125 at 4 us apart), so 4 or 8 groups a round, each a
    // wake-up to send and up to two to read the replies. Within a group, every 64 requests
    // the loop only polls (a wait that cannot block) to read the replies so far.
    BOOST_TEST(f.v4.send_calls == 3 * kDestinations);
    const std::size_t per_group = std::min<std::size_t>(256, static_cast<std::size_t>(slack / stagger));
    const std::size_t groups = (kDestinations + per_group - 1) / per_group;
    BOOST_TEST(f.clock.sleeps <= 3 * groups * 3u, "sleeps " << f.clock.sleeps << ", groups a round " << groups);
    BOOST_TEST(f.clock.waits - f.clock.sleeps <= 3 * (kDestinations / 64 + groups), "polls "
                                                    << f.clock.waits - f.clock.sleeps);
    // The send time is read right before the call that sends the request: RTTs stay exact.
    for (const PingResult& r : results) {
      BOOST_TEST(r.received == 3u);
      for (const double rtt : r.rtt_seconds) BOOST_TEST(rtt == 0.001, boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(batching_does_not_hold_a_request_past_the_deadline) {
  // 1,000 destinations 10 us apart and a 5 ms deadline: the 500 requests due before it are
  // sent (the last group right before the deadline instead of 3 ms after its first is due).
  probe.count = 1;
  options.deadline = 5ms;
  addresses.clear();
  for (int i = 0; i < 1000; ++i) addresses.push_back(fake::address(fmt::format("198.18.{}.{}", i / 250, 1 + i % 250)));
  const auto results = run();
  BOOST_TEST(v4.sent.size() == 500u);
  BOOST_TEST((v4.sent.back().at < start + 5ms));
}

BOOST_AUTO_TEST_CASE(sockets_are_read_only_when_poll_reports_them_readable) {
  probe.count = 5;
  addresses.clear();
  for (int i = 0; i < 200; ++i) addresses.push_back(fake::address(fmt::format("198.18.0.{}", 1 + i)));
  addresses.push_back(fake::address("fd00::2"));
  answer_all(3ms);
  const auto results = run();
  for (const PingResult& r : results) BOOST_TEST(r.received == 5u);
  // A short batch already showed the queue empty: no receive() follows it just to see
  // EAGAIN (only a full one may be followed by an empty one), except the one drain per
  // socket after the loop.
  BOOST_TEST(v4.needless_receives <= 1u);
  BOOST_TEST(v6.needless_receives <= 1u);
  BOOST_TEST(v4.receive_calls > 0u);
}

BOOST_AUTO_TEST_CASE(family_without_socket_fails_its_sends) {
  answer_all(1ms);
  const auto results = run(nullptr);
  check_all_lost(results[1], 0);
  BOOST_TEST(results[1].send_errors == 3u);
  BOOST_TEST(results[0].received == 3u);
}

BOOST_AUTO_TEST_CASE(unresolved_address_is_reported_and_not_pinged) {
  answer_all(1ms);
  addresses[2] = std::nullopt;
  const auto results = run();
  BOOST_TEST(!results[2].address);
  BOOST_TEST(results[2].sent == 0u);
  BOOST_TEST(results[2].rtt_seconds.empty());
  BOOST_TEST(results[0].received == 3u);
  BOOST_TEST(v4.sent.size() == 3u);
}

BOOST_AUTO_TEST_CASE(payload_below_minimum_is_rejected) {
  probe.size = static_cast<int>(kMinPayloadSize) - 1;
  BOOST_CHECK_THROW(run(), std::invalid_argument);
  probe.size = static_cast<int>(kMinPayloadSize);
  answer_all(1ms);
  BOOST_TEST(run()[0].received == 3u);
}

BOOST_AUTO_TEST_CASE(run_pings_opens_the_sockets_names_may_need_and_keeps_going) {
  fake::FakeResolver resolver;
  resolver.answers["gw"] = fake::address("198.18.0.2");
  resolver.answers["both"] = fake::address("198.18.0.3");
  probe.family = Family::v4;
  answer_all(1ms);
  std::vector<Family> opened;
  const SocketOpener opener = [&](Family family, const IcmpSocketOptions&) -> std::unique_ptr<IcmpSocket> {
    opened.push_back(family);
    auto socket = std::make_unique<FakeIcmpSocket>(clock, family, SocketKind::datagram, family == Family::v4 ? 10 : 12);
    socket->on_send = [s = socket.get()](const FakeIcmpSocket::Sent& sent) {
      s->deliver(sent.at + 1ms, sent.to, fake::echo_reply(sent.bytes, Family::v4));
      return 0;
    };
    return socket;
  };
  std::vector<TargetSpec> targets{target("gw", probe), target("nx.example", probe), target("both", probe)};
  targets[2].probe.family = Family::v6;  // its own family
  const auto results = run_pings(targets, options, resolver, clock, opener, seed);
  BOOST_REQUIRE(results.size() == 3u);
  BOOST_TEST(results[0].received == 3u);
  BOOST_TEST(!results[1].address);
  BOOST_TEST(results[1].sent == 0u);
  BOOST_TEST(!results[2].address);  // asked for IPv6, the name has only IPv4
  BOOST_TEST((resolver.asked[0].family == Family::v4));  // options.family for "any" targets
  BOOST_TEST((resolver.asked[2].family == Family::v6));  // the target's own family wins
  // Sockets open before resolution starts, for every family a name may resolve to: "both"
  // asked for IPv6.
  BOOST_TEST(opened.size() == 2u);
  // With only -4 names and IPv4 literals, only the IPv4 socket.
  opened.clear();
  const std::vector<TargetSpec> v4_only{target("gw", probe), target("198.18.0.9", probe)};
  run_pings(v4_only, options, resolver, clock, opener, seed);
  BOOST_REQUIRE(opened.size() == 1u);
  BOOST_TEST((opened[0] == Family::v4));
}

BOOST_AUTO_TEST_CASE(run_pings_drops_privileges_before_resolution_starts) {
  fake::FakeResolver resolver;
  resolver.answers["gw"] = fake::address("198.18.0.2");
  std::size_t asked_when_dropped = 99;
  options.on_sockets_open = [&] { asked_when_dropped = resolver.asked.size(); };
  const SocketOpener opener = [&](Family family, const IcmpSocketOptions&) -> std::unique_ptr<IcmpSocket> {
    return std::make_unique<FakeIcmpSocket>(clock, family, SocketKind::raw, family == Family::v4 ? 13 : 14);
  };
  run_pings(std::vector{target("gw", probe)}, options, resolver, clock, opener, seed);
  BOOST_TEST(asked_when_dropped == 0u);
  BOOST_TEST(resolver.asked.size() == 1u);
}

BOOST_AUTO_TEST_CASE(literals_start_at_once_and_each_name_when_it_resolves) {
  // A name server that answers one name after 3 s and never the other: the literal still gets
  // all 5 requests from the start, the slow name its 5 from 3 s on (issue 14 item 1).
  fake::FakeResolver resolver;
  resolver.answers["slow"] = fake::address("198.18.0.3");
  resolver.delays["slow"] = 3s;
  resolver.silent.insert("nosuch.invalid");
  probe.count = 5;
  options.deadline = 12s;
  std::vector<MonoTime> literal, name;  // send times (the sockets die with run_pings)
  const SocketOpener opener = [&](Family family, const IcmpSocketOptions&) -> std::unique_ptr<IcmpSocket> {
    auto socket = std::make_unique<FakeIcmpSocket>(clock, family, SocketKind::raw, family == Family::v4 ? 15 : 16);
    socket->on_send = [&, s = socket.get()](const FakeIcmpSocket::Sent& sent) {
      (format_address(sent.to) == "198.18.0.2" ? literal : name).push_back(sent.at);
      s->deliver(sent.at + 1ms, sent.to, reply_for(sent));
      return 0;
    };
    return socket;
  };
  const std::vector<TargetSpec> targets{target("nosuch.invalid", probe), target("198.18.0.2", probe),
                                        target("slow", probe)};
  const auto results = run_pings(targets, options, resolver, clock, opener, seed);
  BOOST_TEST(!results[0].address);
  BOOST_TEST(results[0].sent == 0u);
  BOOST_TEST(results[0].unsent == 0u);  // never planned: unresolved, not cut
  BOOST_TEST(results[1].sent == 5u);
  BOOST_TEST(results[1].unsent == 0u);
  BOOST_TEST(results[1].received == 5u);
  BOOST_TEST(results[2].received == 5u);
  BOOST_REQUIRE(literal.size() == 5u);
  BOOST_REQUIRE(name.size() == 5u);
  BOOST_TEST((literal[0] == start));
  BOOST_TEST((name[0] == start + 3s));
  // The name that never answers holds the run until the deadline, and no longer.
  BOOST_TEST((clock.mono - start == 12s));
}

BOOST_AUTO_TEST_CASE(run_pings_counts_resolution_time_against_the_deadline) {
  fake::FakeResolver resolver;
  resolver.answers["gw"] = fake::address("198.18.0.2");
  resolver.delay = 1s;
  probe.count = 5;
  options.deadline = 1500ms;
  const SocketOpener opener = [&](Family family, const IcmpSocketOptions&) -> std::unique_ptr<IcmpSocket> {
    return std::make_unique<FakeIcmpSocket>(clock, family, SocketKind::raw, 11);
  };
  const auto results = run_pings(std::vector{target("gw", probe)}, options, resolver, clock, opener, seed);
  BOOST_TEST(results[0].sent == 1u);  // only the request at 1.0 s fits before 1.5 s
  BOOST_TEST(results[0].unsent == 4u);
  BOOST_TEST((clock.mono - start == 1500ms));
}

BOOST_AUTO_TEST_CASE(run_pings_treats_missing_ipv6_as_send_failures_and_passes_permission_errors) {
  fake::FakeResolver resolver;
  resolver.answers["a"] = fake::address("::1");
  const SocketOpener no_ipv6 = [](Family, const IcmpSocketOptions&) -> std::unique_ptr<IcmpSocket> {
    throw std::system_error(EAFNOSUPPORT, std::generic_category(), "cannot open ICMPv6 socket");
  };
  const auto results = run_pings(std::vector{target("a", probe)}, options, resolver, clock, no_ipv6, seed);
  check_all_lost(results[0], 0);
  BOOST_TEST(results[0].send_errors == 3u);
  const SocketOpener denied = [](Family, const IcmpSocketOptions&) -> std::unique_ptr<IcmpSocket> {
    throw IcmpPermissionError("cannot open ICMPv6 socket: Permission denied (hint: ...)");
  };
  BOOST_CHECK_THROW(run_pings(std::vector{target("a", probe)}, options, resolver, clock, denied, seed), IcmpPermissionError);
}

BOOST_AUTO_TEST_CASE(destinations_with_their_own_count_interval_and_size_interleave) {
  answer_all(1ms);
  addresses.resize(2);  // 198.18.0.2 and fd00::2
  std::vector<TargetSpec> t = targets();
  t[0].probe.count = 2;
  t[0].probe.interval = 3;
  t[0].probe.size = 100;
  t[1].probe.count = 4;
  t[1].probe.interval = 0.5;
  const auto results = ping_addresses(clock, &v4, &v6, options, seed, t, addresses, start + options.deadline);
  BOOST_TEST(results[0].sent == 2u);
  BOOST_TEST(results[0].received == 2u);
  BOOST_TEST(results[1].sent == 4u);
  BOOST_TEST(results[1].received == 4u);
  BOOST_REQUIRE(v4.sent.size() == 2u);
  BOOST_REQUIRE(v6.sent.size() == 4u);
  BOOST_TEST(v4.sent[0].bytes.size() == kIcmpHeaderSize + 100);
  BOOST_TEST(v6.sent[0].bytes.size() == kIcmpHeaderSize + 56);
  // Each on its own interval, in one loop: the IPv6 one's four requests go between the
  // IPv4 one's two.
  // Request k goes when due (start + k * interval), or at most the wake-up slack (3 ms) and
  // the stagger (10 us a destination) later.
  auto on_time = [this](MonoTime at, std::chrono::nanoseconds due) { return at >= start + due && at <= start + due + 4ms; };
  for (std::size_t k = 0; k < 2; ++k) BOOST_TEST(on_time(v4.sent[k].at, k * 3s));
  for (std::size_t k = 0; k < 4; ++k) BOOST_TEST(on_time(v6.sent[k].at, k * 500ms));
  BOOST_TEST((v6.sent[3].at < v4.sent[1].at));
  // The run ends with the longest plan: the last request at 3 s, its reply 1 ms later.
  BOOST_TEST((clock.mono - start < 3s + 10ms));
}

BOOST_AUTO_TEST_CASE(one_socket_per_family_and_socket_settings_not_per_destination) {
  fake::FakeResolver resolver;
  std::vector<std::pair<Family, IcmpSocketOptions>> opened;
  const SocketOpener opener = [&](Family family, const IcmpSocketOptions& o) -> std::unique_ptr<IcmpSocket> {
    opened.emplace_back(family, o);
    auto socket = std::make_unique<FakeIcmpSocket>(
        clock, family, family == Family::v4 ? SocketKind::raw : SocketKind::datagram, 20 + static_cast<int>(opened.size()));
    socket->on_send = [this, s = socket.get()](const FakeIcmpSocket::Sent& sent) {
      s->deliver(sent.at + 1ms, sent.to, reply_for(sent));
      return 0;
    };
    return socket;
  };
  probe.count = 2;
  std::vector<TargetSpec> t{target("198.18.0.2", probe), target("198.18.0.3", probe), target("198.18.0.4", probe),
                            target("fd00::2", probe), target("198.18.0.5", probe)};
  t[1].probe.size = 1000;  // a payload size is no socket setting
  t[2].probe.ttl = 3;
  t[2].probe.dont_fragment = true;
  t[3].probe.ttl = 3;
  t[3].probe.dont_fragment = true;
  t[4].probe.ttl = 3;
  t[4].probe.dont_fragment = true;
  const auto results = run_pings(t, options, resolver, clock, opener, seed);
  for (const PingResult& r : results) BOOST_TEST(r.received == 2u);
  // IPv4 plain (two destinations), IPv4 with ttl 3 and DF (two), IPv6 with ttl 3 and DF (one).
  BOOST_REQUIRE(opened.size() == 3u);
  std::size_t plain = 0, df4 = 0, df6 = 0;
  for (const auto& [family, o] : opened) {
    if (family == Family::v4 && !o.dont_fragment && !o.ttl) {
      ++plain;
      BOOST_TEST(o.destinations == 2u);
      BOOST_TEST(o.payload_size == 1000u);  // the largest of its destinations
    } else if (family == Family::v4 && o.dont_fragment && *o.ttl == 3) {
      ++df4;
      BOOST_TEST(o.destinations == 2u);
    } else if (family == Family::v6 && o.dont_fragment && *o.ttl == 3) {
      ++df6;
      BOOST_TEST(o.destinations == 1u);
    }
  }
  BOOST_TEST(plain == 1u);
  BOOST_TEST(df4 == 1u);
  BOOST_TEST(df6 == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
