// SPDX-License-Identifier: MIT
// The one-line progress indicator on a terminal's standard error.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace netprom {

/// "netprom: 1234/50000 requests (2%), 3.2 s" (pure).
std::string render_progress(std::uint64_t done, std::uint64_t total, std::chrono::duration<double> elapsed);

/// Shows render_progress() on `fd`, rewriting one line, once the run has lasted over a second;
/// erases it when destroyed. Does nothing unless `enabled` (the caller checks that `fd` is a
/// terminal).
class ProgressLine {
 public:
  ProgressLine(int fd, bool enabled);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine();
  void update(std::uint64_t done, std::uint64_t total);

 private:
  int fd_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace netprom
