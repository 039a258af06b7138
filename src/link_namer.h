// SPDX-License-Identifier: MIT
// Naming the links of an RTM_GETSTATS dump while it still arrives, on helper threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "link_stats.h"

namespace netprom {

/// What naming one link found out.
enum class NameOutcome : std::uint8_t {
  named,     ///< link.name and link.oper_up are filled in
  gone,      ///< the link was deleted since the dump: leave it out
  ask_again  ///< it changed under us (renamed between two ioctls): ask once more, differently
};

/// Names links (fills LinkStats::name and oper_up) as their dump arrives. The naming is
/// mostly kernel time, ~1.2 us a link by ioctl, three times what the dump costs, and links
/// are independent: with 2,000 links one helper naming the first datagrams' links while the
/// feeding thread reads the rest, then both naming what is left, makes the whole read about
/// as fast as reading /proc/net/dev (bench/RESULTS.md). A helper starts (start_helper_thread)
/// once kLinksPerHelper links wait, so a host's handful of links costs no thread, and at most
/// `max_helpers` start. Links are taken kBatch at a time. One thread feeds it (add, discard,
/// finish); `name` runs on any of the threads, concurrently.
class LinkNamer {
 public:
  static constexpr std::size_t kLinksPerHelper = 128;
  static constexpr std::size_t kBatch = 64;  ///< links taken at a time: the last one to finish is short
  /// Room made at the start (virtual memory until used): more links reallocate once per
  /// doubling, with the helpers paused for it.
  static constexpr std::size_t kInitialLinks = 4096;

  using NameFn = std::function<NameOutcome(LinkStats&)>;
  using AskFn = std::function<bool(LinkStats&)>;

  LinkNamer(NameFn name, unsigned max_helpers);
  LinkNamer(const LinkNamer&) = delete;
  LinkNamer& operator=(const LinkNamer&) = delete;
  /// Stops the helpers (they leave after their current batch) and joins them.
  ~LinkNamer();

  /// Queues `links` (one datagram's, in dump order), moved out of the vector.
  void add(std::vector<LinkStats>& links);
  /// Forgets every link added so far (the dump is being redone), once no thread is naming one.
  void discard();
  /// Names what no helper has taken on this thread, waits for the helpers, and returns the
  /// links in the order added: the named ones, and those that were ask_again and for which
  /// `ask_again` (called here, on this thread) returned true. Throws the first exception a
  /// `name` call threw, on any thread.
  std::vector<LinkStats> finish(const AskFn& ask_again);

 private:
  /// Links [first, first + count) of links_; failure is the exception naming them threw.
  struct Batch {
    std::size_t first = 0, count = 0;
    std::exception_ptr failure;
  };
  /// A taken batch, by pointers into links_ and outcomes_ that stay valid while it is
  /// taken: the vectors are only reallocated while no batch is taken.
  struct Work {
    std::size_t batch = 0;
    LinkStats* links = nullptr;
    NameOutcome* outcomes = nullptr;
    std::size_t count = 0;
  };

  bool take_locked(Work& work);  // takes the next batch nobody has taken; false if none
  bool take(Work& work);
  void name(const Work& work);   // names a taken batch, then marks it done
  void help();                   // a helper thread's loop

  NameFn name_;
  unsigned max_helpers_;
  std::vector<std::thread> helpers_;  // used by the feeding thread only
  std::mutex mutex_;                  // guards everything below
  std::condition_variable work_;      // a batch was added, or closing_
  std::condition_variable idle_;      // busy_ went down
  /// Every link added since the last discard(), in dump order, and what naming found: the
  /// links are moved in once and handed out by finish() in place, without another copy
  /// (with 2,000 links each copy is 340 KB of fresh memory to fault in). Only the feeding
  /// thread changes the vectors themselves (appending within their capacity while batches
  /// are taken, reallocating while none is); the elements of a taken batch belong to its
  /// taker until it is named.
  std::vector<LinkStats> links_;
  std::vector<NameOutcome> outcomes_;
  std::vector<Batch> batches_;  // in dump order
  std::size_t next_ = 0;        // first batch not taken
  unsigned busy_ = 0;           // batches being named
  bool growing_ = false;        // links_ is about to be reallocated: take nothing
  bool closing_ = false;        // no batch will be added: helpers leave once none is left
  bool abandon_ = false;        // helpers leave now (the namer is being destroyed)
};

}  // namespace netprom
