// SPDX-License-Identifier: MIT
#include "link_namer.h"

#include <algorithm>
#include <iterator>
#include <system_error>
#include <utility>

#include "threads.h"

namespace netprom {

LinkNamer::LinkNamer(NameFn name, unsigned max_helpers) : name_(std::move(name)), max_helpers_(max_helpers) {
  links_.reserve(kInitialLinks);
  outcomes_.reserve(kInitialLinks);
}

LinkNamer::~LinkNamer() {
  {
    std::lock_guard lock(mutex_);
    closing_ = abandon_ = true;
  }
  work_.notify_all();
  for (std::thread& helper : helpers_) helper.join();
}

void LinkNamer::add(std::vector<LinkStats>& links) {
  {
    std::unique_lock lock(mutex_);
    const std::size_t size = links_.size() + links.size();
    if (size > links_.capacity()) {
      growing_ = true;
      idle_.wait(lock, [this] { return busy_ == 0; });
      const std::size_t capacity = std::max(size, 2 * links_.capacity());
      links_.reserve(capacity);
      outcomes_.reserve(capacity);
      growing_ = false;
    }
    for (std::size_t i = 0; i < links.size(); i += kBatch)
      batches_.push_back({links_.size() + i, std::min(kBatch, links.size() - i), nullptr});
    // Within capacity: the elements of batches being named stay where they are.
    links_.insert(links_.end(), std::make_move_iterator(links.begin()), std::make_move_iterator(links.end()));
    outcomes_.resize(links_.size(), NameOutcome::gone);
  }
  work_.notify_all();
  while (helpers_.size() < max_helpers_ && links_.size() >= kLinksPerHelper * (helpers_.size() + 1)) {
    try {
      helpers_.push_back(start_helper_thread([this] { help(); }));
    } catch (const std::system_error&) {  // a tasks limit: the feeding thread names them at the end
      max_helpers_ = 0;
    }
  }
}

void LinkNamer::discard() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return busy_ == 0; });
  batches_.clear();
  links_.clear();
  outcomes_.clear();
  next_ = 0;
}

std::vector<LinkStats> LinkNamer::finish(const AskFn& ask_again) {
  // Closing first: a helper that runs out of batches now leaves at once instead of going to
  // sleep, and the join below does not wait for a sleeping thread (and an idle CPU) to wake.
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  work_.notify_all();
  Work work;
  while (take(work)) name(work);
  for (std::thread& helper : helpers_) helper.join();
  helpers_.clear();
  for (const Batch& batch : batches_)
    if (batch.failure) std::rethrow_exception(batch.failure);
  // Keep the named links and the asked-again ones that were found, in place and in order.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (outcomes_[i] == NameOutcome::named || (outcomes_[i] == NameOutcome::ask_again && ask_again(links_[i]))) {
      if (kept != i) links_[kept] = std::move(links_[i]);
      ++kept;
    }
  }
  links_.erase(links_.begin() + static_cast<std::ptrdiff_t>(kept), links_.end());
  batches_.clear();
  outcomes_.clear();
  next_ = 0;
  return std::move(links_);
}

bool LinkNamer::take_locked(Work& work) {
  if (growing_ || next_ == batches_.size()) return false;
  ++busy_;
  const Batch& batch = batches_[next_];
  work = {next_++, links_.data() + batch.first, outcomes_.data() + batch.first, batch.count};
  return true;
}

bool LinkNamer::take(Work& work) {
  std::lock_guard lock(mutex_);
  return take_locked(work);
}

void LinkNamer::name(const Work& work) {
  std::exception_ptr failure;
  try {
    for (std::size_t i = 0; i < work.count; ++i) work.outcomes[i] = name_(work.links[i]);
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    batches_[work.batch].failure = failure;
    --busy_;
  }
  idle_.notify_all();
}

void LinkNamer::help() {
  for (;;) {
    Work work;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return closing_ || (!growing_ && next_ < batches_.size()); });
      if (abandon_ || !take_locked(work)) return;
    }
    name(work);
  }
}

}  // namespace netprom
