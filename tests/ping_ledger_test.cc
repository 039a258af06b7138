// SPDX-License-Identifier: MIT
#include "ping_ledger.h"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cmath>

#include "fake_network.h"

using namespace netprom;
using namespace std::chrono_literals;

namespace {

const MonoTime t0{std::chrono::seconds(1000)};
const WallTime w0{std::chrono::seconds(1'700'000'000)};

Timestamp at(std::chrono::nanoseconds since) {
  return {t0 + since, w0 + std::chrono::duration_cast<WallTime::duration>(since)};
}

struct LedgerFixture {
  PingLedger ledger{2, t0 + 10s};
  std::uint32_t a = ledger.add_destination(
      {.address = fake::address("198.18.0.2"), .target = 1, .slot = 0, .timeout = 2s, .count = 3, .size = 56});
  std::uint32_t b = ledger.add_destination(
      {.address = fake::address("fd00::2"), .target = 0, .slot = 1, .timeout = 2s, .count = 2, .size = 56});
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ping_ledger, LedgerFixture)

BOOST_AUTO_TEST_CASE(requests_are_numbered_in_send_order_and_results_follow_targets) {
  BOOST_TEST(ledger.record_send(a, at(0s), 0) == 0u);
  BOOST_TEST(ledger.record_send(b, at(10us), 0) == 1u);
  BOOST_TEST(ledger.record_send(a, at(1s), 0) == 2u);
  BOOST_TEST(ledger.destination_of(1) == b);
  BOOST_TEST(ledger.pending() == 3u);
  ledger.transition(2, RequestEvent::reply, 5ms);
  const auto results = ledger.take_results();
  BOOST_TEST(format_address(results[1].address.value()) == "198.18.0.2");
  BOOST_TEST(results[1].sent == 2u);
  BOOST_TEST(results[1].received == 1u);
  BOOST_TEST(std::isnan(results[1].rtt_seconds[0]));
  BOOST_TEST(results[1].rtt_seconds[1] == 0.005);
  BOOST_TEST(format_address(results[0].address.value()) == "fd00::2");
}

BOOST_AUTO_TEST_CASE(one_request_one_outcome) {
  const std::uint32_t r = ledger.record_send(a, at(0s), 0);
  ledger.transition(r, RequestEvent::reply, 5ms);
  ledger.transition(r, RequestEvent::reply, 6ms);   // duplicate
  ledger.transition(r, RequestEvent::error);        // too late to change anything
  ledger.transition(r, RequestEvent::timeout);
  BOOST_TEST((ledger.state(r) == RequestState::received));
  BOOST_TEST(ledger.pending() == 0u);
  const auto results = ledger.take_results();
  BOOST_TEST(results[1].received == 1u);
  BOOST_TEST(results[1].duplicates == 1u);
  BOOST_TEST(results[1].errors == 0u);
  BOOST_TEST(results[1].rtt_seconds[0] == 0.005);
}

BOOST_AUTO_TEST_CASE(reply_after_timeout_is_late_and_after_error_too) {
  const std::uint32_t slow = ledger.record_send(a, at(0s), 0);
  const std::uint32_t failed = ledger.record_send(a, at(0s), 0);
  ledger.transition(slow, RequestEvent::reply, 2001ms);
  ledger.transition(failed, RequestEvent::error);
  ledger.transition(failed, RequestEvent::reply, 1ms);
  BOOST_TEST((ledger.state(slow) == RequestState::late));
  BOOST_TEST((ledger.state(failed) == RequestState::late));
  const auto results = ledger.take_results();
  BOOST_TEST(results[1].late == 2u);
  BOOST_TEST(results[1].errors == 1u);
  BOOST_TEST(results[1].received == 0u);
}

BOOST_AUTO_TEST_CASE(timed_out_request_whose_reply_was_stamped_in_time_is_received) {
  const std::uint32_t r = ledger.record_send(a, at(0s), 0);
  ledger.expire(t0 + 2s);
  BOOST_TEST((ledger.state(r) == RequestState::timed_out));
  ledger.transition(r, RequestEvent::reply, 1900ms);
  BOOST_TEST((ledger.state(r) == RequestState::received));
}

BOOST_AUTO_TEST_CASE(reply_stamped_after_the_deadline_does_not_count) {
  const std::uint32_t r = ledger.record_send(a, at(9s), 0);
  ledger.expire_all();
  ledger.transition(r, RequestEvent::reply, 1500ms);  // within the timeout, after the deadline
  BOOST_TEST((ledger.state(r) == RequestState::late));
}

BOOST_AUTO_TEST_CASE(expiry_follows_the_timeout_and_skips_answered_requests) {
  const std::uint32_t r0 = ledger.record_send(a, at(0s), 0);
  const std::uint32_t r1 = ledger.record_send(b, at(1s), 0);
  BOOST_TEST((*ledger.next_expiry() == t0 + 2s));
  ledger.transition(r0, RequestEvent::reply, 1ms);
  ledger.expire(t0 + 1500ms);  // drops r0's entry on the way
  BOOST_TEST((*ledger.next_expiry() == t0 + 3s));
  BOOST_TEST(ledger.first_pending() == r1);
  ledger.expire(t0 + 3s);
  BOOST_TEST((ledger.state(r1) == RequestState::timed_out));
  BOOST_TEST(!ledger.next_expiry());
  BOOST_TEST(ledger.first_pending() == 2u);
}

BOOST_AUTO_TEST_CASE(requests_of_a_shorter_timeout_expire_before_earlier_ones_of_a_longer) {
  PingLedger mixed{2, t0 + 10s};
  const std::uint32_t long_wait = mixed.add_destination(
      {.address = fake::address("198.18.0.2"), .target = 0, .slot = 0, .timeout = 2s, .count = 1, .size = 56});
  const std::uint32_t short_wait = mixed.add_destination(
      {.address = fake::address("198.18.0.3"), .target = 1, .slot = 0, .timeout = 500ms, .count = 2, .size = 56});
  const std::uint32_t slow = mixed.record_send(long_wait, at(0s), 0);     // expires at 2 s
  const std::uint32_t quick = mixed.record_send(short_wait, at(100ms), 0);  // expires at 600 ms
  BOOST_TEST((*mixed.next_expiry() == t0 + 600ms));
  mixed.expire(t0 + 600ms);
  BOOST_TEST((mixed.state(quick) == RequestState::timed_out));
  BOOST_TEST((mixed.state(slow) == RequestState::pending));
  BOOST_TEST((*mixed.next_expiry() == t0 + 2s));
  const std::uint32_t later = mixed.record_send(short_wait, at(700ms), 0);  // expires at 1.2 s
  BOOST_TEST((*mixed.next_expiry() == t0 + 1200ms));
  mixed.expire(t0 + 1999ms);
  BOOST_TEST((mixed.state(later) == RequestState::timed_out));
  BOOST_TEST((mixed.state(slow) == RequestState::pending));
  mixed.expire(t0 + 2s);
  BOOST_TEST((mixed.state(slow) == RequestState::timed_out));
  BOOST_TEST(!mixed.next_expiry());
}

BOOST_AUTO_TEST_CASE(rtts_are_per_request_sent_whatever_was_planned) {
  ledger.record_send(b, at(0s), 0);
  ledger.record_send(b, at(1s), EHOSTUNREACH);  // takes no RTT slot
  ledger.record_send(b, at(2s), 0);
  const std::uint32_t extra = ledger.record_send(b, at(3s), 0);  // b planned 2 requests
  ledger.transition(extra, RequestEvent::reply, 7ms);
  ledger.record_send(a, at(0s), 0);  // a planned 3 and sent 1
  const auto results = ledger.take_results();
  BOOST_TEST(results[0].sent == 3u);
  BOOST_TEST(results[0].rtt_seconds.size() == 3u);
  BOOST_TEST(results[0].rtt_seconds[2] == 0.007);
  BOOST_TEST(results[1].sent == 1u);
  BOOST_TEST(results[1].rtt_seconds.size() == 1u);
  BOOST_TEST(results[1].unsent == 2u);
}

BOOST_AUTO_TEST_CASE(send_failure_is_never_pending_and_not_sent) {
  const std::uint32_t r = ledger.record_send(a, at(0s), EHOSTUNREACH);
  BOOST_TEST((ledger.state(r) == RequestState::send_failed));
  BOOST_TEST(ledger.pending() == 0u);
  BOOST_TEST(ledger.first_pending() == 1u);
  ledger.transition(r, RequestEvent::reply, 1ms);
  ledger.transition(r, RequestEvent::error);
  BOOST_TEST((ledger.state(r) == RequestState::send_failed));
  const auto results = ledger.take_results();
  BOOST_TEST(results[1].sent == 0u);
  BOOST_TEST(results[1].send_errors == 1u);
  BOOST_TEST(results[1].rtt_seconds.empty());
  BOOST_TEST(results[1].unsent == 2u);  // 3 planned (its own count), 1 tried
  BOOST_TEST(results[0].unsent == 2u);  // 2 planned, none tried
  BOOST_TEST(results[0].sent == 0u);
}

BOOST_AUTO_TEST_CASE(corrupt_replies_are_counted_per_destination) {
  const std::uint32_t r = ledger.record_send(b, at(0s), 0);
  ledger.count_corrupt(r);
  BOOST_TEST((ledger.state(r) == RequestState::pending));
  BOOST_TEST(ledger.take_results()[0].corrupt == 1u);
}

BOOST_AUTO_TEST_CASE(round_trip_time_is_the_kernel_stamp_minus_the_send_for_any_stall) {
  const Timestamp sent = at(0s);
  BOOST_TEST((round_trip_time(sent, w0 + 5ms, at(15ms)) == 5ms));
  BOOST_TEST((round_trip_time(sent, w0 + 200ms, at(1700ms)) == 200ms));  // read after a 1.5 s stall
  BOOST_TEST((round_trip_time(sent, w0 + 200ms, at(10s)) == 200ms));      // 10 s
  BOOST_TEST((round_trip_time(sent, std::nullopt, at(15ms)) == 15ms));     // no stamp: the read time
}

BOOST_AUTO_TEST_CASE(round_trip_time_detects_a_wall_clock_step_by_the_offset) {
  // The reply arrives 200 ms after the send and is read 1.5 s after it; the wall clock steps by
  // `step` either before the arrival (the stamp is in the read's frame) or after it (in the
  // send's frame). Steps from 5 ms to an hour, both ways.
  for (const std::chrono::nanoseconds step :
       {std::chrono::nanoseconds(5ms), std::chrono::nanoseconds(-5ms), std::chrono::nanoseconds(2s),
        std::chrono::nanoseconds(-2s), std::chrono::nanoseconds(1h), std::chrono::nanoseconds(-1h)}) {
    const Timestamp sent = at(0s);
    Timestamp read = at(1500ms);
    read.wall += std::chrono::duration_cast<WallTime::duration>(step);
    const WallTime stamp_old_frame = w0 + 200ms;
    const WallTime stamp_new_frame = stamp_old_frame + std::chrono::duration_cast<WallTime::duration>(step);
    const std::chrono::nanoseconds in_new = round_trip_time(sent, stamp_new_frame, read);
    const std::chrono::nanoseconds in_old = round_trip_time(sent, stamp_old_frame, read);
    // Exact, or (a step too small to tell the frames apart) the send-to-read upper bound;
    // never anything else.
    BOOST_TEST((in_new == 200ms || in_new == 1500ms), "step " << step.count() << ": " << in_new.count());
    BOOST_TEST((in_old == 200ms || in_old == 1500ms), "step " << step.count() << ": " << in_old.count());
    if (std::chrono::abs(step) > 1500ms) {
      BOOST_TEST((in_new == 200ms));
      BOOST_TEST((in_old == 200ms));
    }
  }
  // Without a step, a stamp after the read or before the send is slew, and is clamped.
  BOOST_TEST((round_trip_time(at(0s), w0 + 20ms, at(15ms)) == 15ms));
  BOOST_TEST((round_trip_time(at(0s), w0 - 1ms, at(15ms)) == 0ms));
}

BOOST_AUTO_TEST_CASE(reply_ttl_is_the_last_counted_replys) {
  const std::uint32_t r0 = ledger.record_send(a, at(0s), 0);
  const std::uint32_t r1 = ledger.record_send(a, at(1s), 0);
  const std::uint32_t r2 = ledger.record_send(a, at(2s), 0);
  ledger.transition(r1, RequestEvent::reply, 5ms, {.ttl = 63});
  ledger.transition(r0, RequestEvent::reply, 3s, {.ttl = 60});    // late: not counted, TTL unchanged
  ledger.transition(r1, RequestEvent::reply, 5ms, {.ttl = 61});   // duplicate: unchanged
  ledger.transition(r2, RequestEvent::reply, 5ms, {.ttl = 62});
  const auto results = ledger.take_results();
  BOOST_TEST(results[1].reply_ttl.value_or(0) == 62);
  BOOST_TEST(!results[0].reply_ttl);  // nothing came back from the other destination
}

BOOST_AUTO_TEST_CASE(errors_are_counted_by_type_with_the_last_sender) {
  const std::uint32_t r0 = ledger.record_send(a, at(0s), 0);
  const std::uint32_t r1 = ledger.record_send(a, at(1s), 0);
  const std::uint32_t r2 = ledger.record_send(a, at(2s), 0);
  const std::uint32_t r3 = ledger.record_send(b, at(2s), 0);
  ledger.transition(r0, RequestEvent::error, {},
                    {.ttl = {}, .error_type = IcmpErrorType::time_exceeded, .error_from = fake::address("198.18.1.2")});
  ledger.transition(r0, RequestEvent::error, {},  // a second error about the same request counts once
                    {.ttl = {}, .error_type = IcmpErrorType::other, .error_from = fake::address("198.18.1.3")});
  ledger.transition(r1, RequestEvent::error, {},
                    {.ttl = {}, .error_type = IcmpErrorType::packet_too_big, .error_from = fake::address("198.18.1.4")});
  ledger.transition(r2, RequestEvent::error);  // a local error: type other, no sender
  ledger.transition(r3, RequestEvent::error, {},
                    {.ttl = {}, .error_type = IcmpErrorType::time_exceeded, .error_from = fake::address("fd00:1::2")});
  const auto results = ledger.take_results();
  const PingResult& v4 = results[1];
  BOOST_TEST(v4.errors == 3u);
  BOOST_TEST(v4.errors_by_type[static_cast<std::size_t>(IcmpErrorType::time_exceeded)] == 1u);
  BOOST_TEST(v4.errors_by_type[static_cast<std::size_t>(IcmpErrorType::packet_too_big)] == 1u);
  BOOST_TEST(v4.errors_by_type[static_cast<std::size_t>(IcmpErrorType::other)] == 1u);
  BOOST_TEST(v4.errors_by_type[static_cast<std::size_t>(IcmpErrorType::destination_unreachable)] == 0u);
  BOOST_REQUIRE(v4.last_error);
  BOOST_TEST((v4.last_error->first == IcmpErrorType::other));
  BOOST_TEST(v4.last_error->second == "");
  BOOST_REQUIRE(results[0].last_error);
  BOOST_TEST((results[0].last_error->first == IcmpErrorType::time_exceeded));
  BOOST_TEST(results[0].last_error->second == "fd00:1::2");
}

BOOST_AUTO_TEST_SUITE_END()
