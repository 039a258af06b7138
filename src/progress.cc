// SPDX-License-Identifier: MIT
#include "progress.h"

#include <unistd.h>

#include <fmt/format.h>

namespace netprom {

std::string render_progress(std::uint64_t done, std::uint64_t total, std::chrono::duration<double> elapsed) {
  unsigned percent = total ? static_cast<unsigned>(done * 100 / total) : 100;
  return fmt::format("netprom: {}/{} requests ({}%), {:.1f} s", done, total, percent, elapsed.count());
}

ProgressLine::ProgressLine(int fd, bool enabled) : fd_(fd), enabled_(enabled) {}

ProgressLine::~ProgressLine() {
  if (shown_) (void)!::write(fd_, "\r\033[K", 4);  // erase the line: the result follows on stdout
}

void ProgressLine::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  auto elapsed = std::chrono::steady_clock::now() - start_;
  if (elapsed < std::chrono::seconds(1)) return;  // a quick run needs no progress
  std::string line = "\r\033[K" + render_progress(done, total, elapsed);
  (void)!::write(fd_, line.data(), line.size());
  shown_ = true;
}

}  // namespace netprom
