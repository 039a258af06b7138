// SPDX-License-Identifier: MIT
#include "link_namer.h"

#include <algorithm>
#include <iterator>
#include <system_error>
#include <utility>

#include "threads.h"

namespace netprom {

LinkNamer::LinkNamer(NameFn name, unsigned max_helpers) : name_(std::move(name)), max_helpers_(max_helpers) {}

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
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < links.size(); i += kBatch) {
      auto batch = std::make_unique<Batch>();
      const auto first = links.begin() + static_cast<std::ptrdiff_t>(i);
      const auto last = links.begin() + static_cast<std::ptrdiff_t>(std::min(links.size(), i + kBatch));
      batch->links.assign(std::make_move_iterator(first), std::make_move_iterator(last));
      batches_.push_back(std::move(batch));
    }
    waiting_ += links.size();
  }
  work_.notify_all();
  while (helpers_.size() < max_helpers_ && waiting_ >= kLinksPerHelper * (helpers_.size() + 1)) {
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
  next_ = 0;
  waiting_ = 0;
}

std::vector<LinkStats> LinkNamer::finish(const AskFn& ask_again) {
  // Closing first: a helper that runs out of batches now leaves at once instead of going to
  // sleep, and the join below does not wait for a sleeping thread (and an idle CPU) to wake.
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  work_.notify_all();
  while (Batch* batch = take()) name(*batch);
  for (std::thread& helper : helpers_) helper.join();
  helpers_.clear();
  std::vector<LinkStats> links;
  links.reserve(waiting_);
  for (const std::unique_ptr<Batch>& batch : batches_) {
    if (batch->failure) std::rethrow_exception(batch->failure);
    for (std::size_t i = 0; i < batch->links.size(); ++i) {
      LinkStats& link = batch->links[i];
      if (batch->outcome[i] == NameOutcome::named ||
          (batch->outcome[i] == NameOutcome::ask_again && ask_again(link)))
        links.push_back(std::move(link));
    }
  }
  return links;
}

LinkNamer::Batch* LinkNamer::take() {
  std::lock_guard lock(mutex_);
  if (next_ == batches_.size()) return nullptr;
  ++busy_;
  return batches_[next_++].get();
}

void LinkNamer::name(Batch& batch) {
  batch.outcome.assign(batch.links.size(), NameOutcome::gone);
  try {
    for (std::size_t i = 0; i < batch.links.size(); ++i) batch.outcome[i] = name_(batch.links[i]);
  } catch (...) {
    batch.failure = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    --busy_;
  }
  idle_.notify_all();
}

void LinkNamer::help() {
  for (;;) {
    Batch* batch = nullptr;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return closing_ || next_ < batches_.size(); });
      if (abandon_ || next_ == batches_.size()) return;
      ++busy_;
      batch = batches_[next_++].get();
    }
    name(*batch);
  }
}

}  // namespace netprom
