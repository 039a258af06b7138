// SPDX-License-Identifier: MIT
#include "link_namer.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace netprom;

namespace {

// Links with ifindex first..first+n-1, as one datagram's worth.
std::vector<LinkStats> datagram(std::uint32_t first, std::size_t n) {
  std::vector<LinkStats> links(n);
  for (std::size_t i = 0; i < n; ++i) {
    links[i].index = first + static_cast<std::uint32_t>(i);
    links[i].rx_bytes = 1000 + links[i].index;  // the counters must travel with their link
  }
  return links;
}

// Names link i "l<i>", up when i is even; counts calls per ifindex and the threads used.
struct Naming {
  std::mutex mutex;
  std::vector<int> calls = std::vector<int>(100000, 0);
  std::set<std::thread::id> threads;
  std::chrono::microseconds delay{0};

  LinkNamer::NameFn fn() {
    return [this](LinkStats& link) {
      if (delay.count() > 0) std::this_thread::sleep_for(delay);
      {
        std::lock_guard lock(mutex);
        ++calls.at(link.index);
        threads.insert(std::this_thread::get_id());
      }
      link.name = "l" + std::to_string(link.index);
      link.oper_up = link.index % 2 == 0;
      return NameOutcome::named;
    };
  }
};

void check_in_order(const std::vector<LinkStats>& links, std::uint32_t first, std::size_t n) {
  BOOST_REQUIRE_EQUAL(links.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const LinkStats& l = links[i];
    BOOST_TEST_REQUIRE(l.index == first + i);
    BOOST_TEST_REQUIRE(l.name == "l" + std::to_string(l.index));
    BOOST_TEST_REQUIRE(l.oper_up == (l.index % 2 == 0));
    BOOST_TEST_REQUIRE(l.rx_bytes == 1000u + l.index);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(link_namer)

BOOST_AUTO_TEST_CASE(a_few_links_are_named_on_the_feeding_thread_only) {
  Naming naming;
  LinkNamer namer(naming.fn(), 3);
  auto links = datagram(1, LinkNamer::kLinksPerHelper - 1);
  namer.add(links);
  const auto named = namer.finish([](LinkStats&) { return false; });
  check_in_order(named, 1, LinkNamer::kLinksPerHelper - 1);
  BOOST_TEST(naming.threads.size() == 1u);
  BOOST_TEST((*naming.threads.begin() == std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(thousands_of_links_in_many_datagrams_are_each_named_once_in_order) {
  for (const unsigned helpers : {0u, 1u, 3u}) {
    Naming naming;
    naming.delay = std::chrono::microseconds(2);  // long enough for the helpers to take a share
    LinkNamer namer(naming.fn(), helpers);
    std::uint32_t next = 1;
    for (int d = 0; d < 40; ++d) {  // 40 datagrams of 141, as a 32 KiB RTM_GETSTATS reply holds
      auto links = datagram(next, 141);
      namer.add(links);
      next += 141;
    }
    const auto named = namer.finish([](LinkStats&) { return false; });
    check_in_order(named, 1, 40 * 141);
    for (std::uint32_t i = 1; i < next; ++i) BOOST_TEST_REQUIRE(naming.calls[i] == 1, "link " << i);
    if (helpers == 0) BOOST_TEST(naming.threads.size() == 1u);
    BOOST_TEST(naming.threads.size() <= helpers + 1u);
  }
}

BOOST_AUTO_TEST_CASE(links_beyond_the_first_room_move_while_no_helper_names_and_keep_their_counters) {
  // Five times the room made at the start: the storage is reallocated twice (more with small
  // datagrams) while helpers are naming earlier batches; each link is still named once, with
  // its own counters, in order.
  const std::size_t total = 5 * LinkNamer::kInitialLinks + 77;
  Naming naming;
  naming.delay = std::chrono::microseconds(1);
  LinkNamer namer(naming.fn(), 3);
  std::uint32_t next = 1;
  while (next <= total) {
    const std::size_t n = std::min<std::size_t>(next % 3 == 0 ? 500 : 141, total + 1 - next);
    auto links = datagram(next, n);
    namer.add(links);
    next += static_cast<std::uint32_t>(n);
  }
  const auto named = namer.finish([](LinkStats&) { return false; });
  check_in_order(named, 1, total);
  for (std::uint32_t i = 1; i <= total; ++i) BOOST_TEST_REQUIRE(naming.calls[i] == 1, "link " << i);
}

BOOST_AUTO_TEST_CASE(gone_links_are_left_out_and_changed_ones_asked_again_on_the_feeding_thread) {
  // ifindex % 5 == 0: gone; % 5 == 1: ask again, which finds odd ones and loses even ones.
  std::atomic<int> asked_elsewhere{0};
  const auto feeder = std::this_thread::get_id();
  LinkNamer namer(
      [](LinkStats& link) {
        if (link.index % 5 == 0) return NameOutcome::gone;
        if (link.index % 5 == 1) return NameOutcome::ask_again;
        link.name = "l" + std::to_string(link.index);
        return NameOutcome::named;
      },
      2);
  for (std::uint32_t first = 1; first <= 1000; first += 100) {
    auto links = datagram(first, 100);
    namer.add(links);
  }
  const auto named = namer.finish([&](LinkStats& link) {
    if (std::this_thread::get_id() != feeder) ++asked_elsewhere;
    if (link.index % 2 == 0) return false;
    link.name = "renamed" + std::to_string(link.index);
    return true;
  });
  BOOST_TEST(asked_elsewhere == 0);
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 1; i <= 1000; ++i)
    if (i % 5 != 0 && !(i % 5 == 1 && i % 2 == 0)) expected.push_back(i);
  BOOST_REQUIRE_EQUAL(named.size(), expected.size());
  for (std::size_t i = 0; i < named.size(); ++i) {
    BOOST_TEST_REQUIRE(named[i].index == expected[i]);
    const std::string want = (named[i].index % 5 == 1 ? "renamed" : "l") + std::to_string(named[i].index);
    BOOST_TEST_REQUIRE(named[i].name == want);
    BOOST_TEST_REQUIRE(named[i].rx_bytes == 1000u + named[i].index);
  }
}

BOOST_AUTO_TEST_CASE(a_redone_dump_keeps_only_the_links_added_after_discard) {
  // An NLM_F_DUMP_INTR dump is redone: what the first attempt added is dropped, even while
  // helpers are naming it, and the second attempt's links come out once each.
  Naming naming;
  naming.delay = std::chrono::microseconds(20);
  LinkNamer namer(naming.fn(), 2);
  for (std::uint32_t first = 50000; first < 52000; first += 200) {
    auto links = datagram(first, 200);
    namer.add(links);
  }
  namer.discard();
  for (std::uint32_t first = 1; first <= 600; first += 200) {
    auto links = datagram(first, 200);
    namer.add(links);
  }
  const auto named = namer.finish([](LinkStats&) { return false; });
  check_in_order(named, 1, 600);
  for (std::uint32_t i = 1; i <= 600; ++i) BOOST_TEST_REQUIRE(naming.calls[i] == 1, "link " << i);
}

BOOST_AUTO_TEST_CASE(a_failed_naming_is_thrown_by_finish_whichever_thread_met_it) {
  for (const unsigned helpers : {0u, 2u}) {
    LinkNamer namer(
        [](LinkStats& link) {
          if (link.index == 777) throw std::runtime_error("cannot read interface name of link 777");
          link.name = "x";
          return NameOutcome::named;
        },
        helpers);
    for (std::uint32_t first = 1; first <= 2000; first += 100) {
      auto links = datagram(first, 100);
      namer.add(links);
    }
    BOOST_CHECK_EXCEPTION(namer.finish([](LinkStats&) { return false; }), std::runtime_error,
                          [](const std::runtime_error& e) { return std::string(e.what()).find("777") != std::string::npos; });
  }
}

BOOST_AUTO_TEST_CASE(destroying_it_without_finish_stops_the_helpers) {
  // A dump that fails half way (a bad datagram) never calls finish(): the helpers must still
  // stop and be joined, and nothing is named after the namer is gone.
  std::atomic<int> named{0};
  {
    LinkNamer namer(
        [&named](LinkStats&) {
          std::this_thread::sleep_for(std::chrono::microseconds(50));
          ++named;
          return NameOutcome::named;
        },
        2);
    for (std::uint32_t first = 1; first <= 5000; first += 500) {
      auto links = datagram(first, 500);
      namer.add(links);
    }
  }
  const int at_destruction = named;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_TEST(named == at_destruction);
  BOOST_TEST(at_destruction < 5000);  // the helpers left early instead of naming everything
}

BOOST_AUTO_TEST_SUITE_END()
