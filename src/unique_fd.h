// SPDX-License-Identifier: MIT
// UniqueFd: owns one file descriptor; -1 means empty. Move-only (the shape of fmt::file).
#pragma once

#include <unistd.h>

#include <utility>

namespace netprom {

/// Owns one file descriptor and closes it on destruction. Where the result of close() matters
/// (an output file) call close() and check it instead.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ != -1; }
  int release() noexcept { return std::exchange(fd_, -1); }
  /// Closes the old descriptor. Never retries close() on EINTR: on Linux the descriptor is
  /// gone either way, and retrying could close one another thread just opened.
  void reset(int fd = -1) noexcept {
    if (fd_ != -1) ::close(fd_);
    fd_ = fd;
  }
  /// Closes now and returns close()'s result (0, or -1 with errno set).
  int close() noexcept { return fd_ == -1 ? 0 : ::close(std::exchange(fd_, -1)); }

 private:
  int fd_ = -1;
};

}  // namespace netprom
